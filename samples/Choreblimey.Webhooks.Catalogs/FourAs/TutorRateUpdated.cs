namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>tutor.rate.updated</c>. A tutor's hourly rate changed.</summary>
public sealed record TutorRateUpdated(
    string TutorId,
    decimal OldHourlyRate,
    decimal NewHourlyRate,
    string Currency);
