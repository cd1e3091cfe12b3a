namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>subscription.created</c>. A subscription was created.</summary>
public sealed record SubscriptionCreated(
    string SubscriptionId,
    string CustomerId,
    string PlanId,
    string Status,
    DateTimeOffset StartAt,
    DateTimeOffset? TrialEndsAt);
