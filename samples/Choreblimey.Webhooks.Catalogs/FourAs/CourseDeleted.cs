namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>course.deleted</c>. An admin deleted a course.</summary>
public sealed record CourseDeleted(
    string CourseId);
