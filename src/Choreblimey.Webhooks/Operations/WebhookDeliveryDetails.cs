namespace Choreblimey.Webhooks;

/// <summary>A delivery with its message and every attempt, for the delivery log's detail view.</summary>
/// <param name="Delivery">The delivery.</param>
/// <param name="Message">The message, unless it was purged.</param>
/// <param name="Attempts">The attempts, oldest first.</param>
public sealed record WebhookDeliveryDetails(WebhookDelivery Delivery, WebhookMessage? Message, IReadOnlyList<WebhookAttempt> Attempts);
