namespace Choreblimey.Webhooks;

/// <summary>A delivery claimed by a worker, with the message to send and the lease's fencing token.</summary>
/// <param name="Delivery">The claimed delivery as it is after the claim.</param>
/// <param name="Message">The message to deliver.</param>
/// <param name="FencingToken">The token that must accompany the outcome; a newer claim invalidates it.</param>
/// <param name="LeaseExpiresAt">When the lease lapses and another worker may claim the delivery.</param>
public sealed record WebhookDeliveryLease(
    WebhookDelivery Delivery,
    WebhookMessage Message,
    long FencingToken,
    DateTimeOffset LeaseExpiresAt);
