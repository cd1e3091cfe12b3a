namespace Choreblimey.Webhooks;

/// <summary>The result of a publish.</summary>
/// <param name="EventId">The event id (sent as <c>webhook-id</c>); <see langword="null"/> when nothing was stored.</param>
/// <param name="DeliveryCount">How many deliveries the event has.</param>
/// <param name="Status">What the publish did.</param>
/// <param name="Error">
/// Why the publish was rejected or failed, for <see cref="WebhookPublishStatus.Rejected"/> and <see cref="WebhookPublishStatus.Failed"/>.
/// </param>
public sealed record WebhookPublishReceipt(string? EventId, int DeliveryCount, WebhookPublishStatus Status, string? Error = null)
{
    /// <summary>Gets whether the event is stored (newly or from an earlier publish with the same idempotency key).</summary>
    public bool IsStored => Status is WebhookPublishStatus.Published or WebhookPublishStatus.Duplicate;
}
