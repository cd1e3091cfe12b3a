namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>subscription.updated</c>. A subscription changed.</summary>
public sealed record SubscriptionUpdated(
    string SubscriptionId,
    string CustomerId,
    string PlanId,
    string Status,
    IReadOnlyList<string> ChangedFields);
