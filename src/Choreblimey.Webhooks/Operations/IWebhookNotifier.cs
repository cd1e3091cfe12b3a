namespace Choreblimey.Webhooks;

/// <summary>
/// Tells the host about operational events in process (register any number with
/// <c>services.AddSingleton&lt;IWebhookNotifier, MyNotifier&gt;()</c>). Exceptions are logged and never reach the worker.
/// </summary>
public interface IWebhookNotifier
{
    /// <summary>Called after a subscription was disabled (on <c>410 Gone</c> or after a failure streak).</summary>
    /// <param name="notification">What was disabled and why.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the notification is handled.</returns>
    ValueTask OnSubscriptionDisabledAsync(WebhookSubscriptionDisabledNotification notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Called after a delivery was dead-lettered.</summary>
    /// <param name="notification">The delivery and its last failure.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the notification is handled.</returns>
    ValueTask OnDeliveryDeadLetteredAsync(WebhookDeadLetterNotification notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
