namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>subscription.cancelled</c>. A subscription was cancelled.</summary>
public sealed record SubscriptionCancelled(
    string SubscriptionId,
    string CustomerId,
    DateTimeOffset CancelAt,
    string? Reason);
