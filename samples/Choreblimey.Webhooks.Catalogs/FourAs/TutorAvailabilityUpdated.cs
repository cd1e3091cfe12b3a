namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>tutor.availability.updated</c>. A tutor changed availability rules, exceptions or time off.</summary>
public sealed record TutorAvailabilityUpdated(
    string TutorId,
    string ChangeType,
    DateTimeOffset? EffectiveFrom,
    DateTimeOffset? EffectiveTo);
