using System.Diagnostics.CodeAnalysis;

namespace Choreblimey.Webhooks;

/// <summary>
/// An event prepared by <see cref="IWebhookOutbox.PrepareAsync"/> and not yet written: the message and one delivery per
/// matching subscription (active, or disabled and held), or the receipt to return when there is nothing to write.
/// </summary>
public sealed class WebhookPreparedEvent
{
    private readonly WebhookPublishReceipt? _skipped;

    internal WebhookPreparedEvent(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries)
    {
        Message = message;
        Deliveries = deliveries;
    }

    internal WebhookPreparedEvent(WebhookPublishReceipt skipped)
    {
        _skipped = skipped;
        Deliveries = [];
    }

    /// <summary>Gets the message to write; <see langword="null"/> when there is nothing to write.</summary>
    public WebhookMessage? Message { get; }

    /// <summary>Gets the deliveries to write with the message (may be empty: no subscription matched).</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries { get; }

    /// <summary>Gets whether there is a message to write (webhooks are enabled and the publish was accepted).</summary>
    [MemberNotNullWhen(true, nameof(Message))]
    public bool HasMessage => Message is not null;

    /// <summary>
    /// Creates the receipt of this event once a store has written it (or found its idempotency key). It cannot see which
    /// event holds the key: a caller that writes prepared events itself and wants a key reused for another event type
    /// refused, as <see cref="IWebhookPublisher"/> and the store packages refuse it, compares that event's type first.
    /// </summary>
    /// <param name="result">What the store did; ignored when there was nothing to write.</param>
    /// <returns>The receipt, as <see cref="IWebhookPublisher"/> would have returned it.</returns>
    public WebhookPublishReceipt CreateReceipt(WebhookMessageInsertResult result) =>
        _skipped ?? new WebhookPublishReceipt(
            result.MessageId,
            result.DeliveryCount,
            result.IsDuplicate ? WebhookPublishStatus.Duplicate : WebhookPublishStatus.Published);

    /// <summary>
    /// Gets the receipt to return when there is nothing to write (webhooks disabled, or the publish rejected);
    /// <see langword="null"/> when <see cref="HasMessage"/> is <see langword="true"/>.
    /// </summary>
    public WebhookPublishReceipt? SkippedReceipt => _skipped;
}
