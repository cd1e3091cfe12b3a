namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>course.updated</c>. An admin updated a course.</summary>
public sealed record CourseUpdated(
    string CourseId,
    decimal HourlyRate,
    string Currency,
    IReadOnlyList<string> ChangedFields);
