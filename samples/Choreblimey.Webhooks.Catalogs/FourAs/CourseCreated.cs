namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>course.created</c>. An admin created a course.</summary>
public sealed record CourseCreated(
    string CourseId,
    string Title,
    decimal HourlyRate,
    string Currency);
