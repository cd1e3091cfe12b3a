namespace Choreblimey.Webhooks;

/// <summary>
/// Forwards events of another in-process event system (<typeparamref name="TSource"/>) onto declared webhook events,
/// using the mappings registered with <c>AddEventBridge&lt;TSource&gt;(...)</c>.
/// </summary>
/// <typeparam name="TSource">The other system's event type (a base class or interface of its events).</typeparam>
public interface IWebhookEventBridge<in TSource>
{
    /// <summary>Publishes the webhook event mapped to <paramref name="sourceEvent"/>'s runtime type, if any.</summary>
    /// <param name="sourceEvent">The event raised by the other system.</param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The publish receipt, or <see langword="null"/> when no mapping matches the event (it is ignored).</returns>
    ValueTask<WebhookPublishReceipt?> ForwardAsync(TSource sourceEvent, CancellationToken cancellationToken = default);
}
