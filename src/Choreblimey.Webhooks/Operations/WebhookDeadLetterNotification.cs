namespace Choreblimey.Webhooks;

/// <summary>A dead-lettered delivery. Also the payload of <see cref="WebhookOperationalEvents.DeliveryDeadLettered"/>.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="DeliveryId">The delivery.</param>
/// <param name="EventId">The message (event) id.</param>
/// <param name="EventType">The event type.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="LastStatusCode">The last HTTP status, when a response arrived.</param>
/// <param name="LastError">The last error.</param>
public sealed record WebhookDeadLetterNotification(
    string TenantId,
    string DeliveryId,
    string EventId,
    string EventType,
    string SubscriptionId,
    int Attempts,
    int? LastStatusCode,
    string? LastError);
