namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>tutor.created</c>. An admin created a tutor account.</summary>
public sealed record TutorCreated(
    string TutorId,
    string UserId,
    decimal HourlyBaseRate,
    string Currency);
