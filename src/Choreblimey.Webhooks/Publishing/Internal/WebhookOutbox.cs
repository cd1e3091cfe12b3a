using System.Diagnostics;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// Prepares events for the host's transaction and wakes the worker after the host commits. The store packages' transaction
/// extensions reach the registered store through <see cref="Store"/>.
/// </summary>
internal sealed class WebhookOutbox(
    WebhookEventPreparer preparer,
    IWebhookStore store,
    WebhookWorkerSignal signal,
    IOptionsMonitor<WebhookOptions> optionsMonitor,
    ILogger<WebhookPublisher> logger) : IWebhookOutbox
{
    /// <summary>Gets the registered store, which the store packages' transaction extensions write with.</summary>
    public IWebhookStore Store => store;

    public async ValueTask<WebhookPreparedEvent> PrepareAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var current = optionsMonitor.CurrentValue;
        if (!current.Enabled)
        {
            WebhookLog.PublishDisabled(logger, eventType);
            return new WebhookPreparedEvent(new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Disabled));
        }

        using var activity = WebhookActivitySource.Instance.StartActivity("webhooks prepare", ActivityKind.Producer);
        activity?.SetTag("webhooks.event.type", eventType);
        var prepared = await preparer.PrepareAsync(eventType, payload, options ?? new WebhookPublishOptions(), current, activity, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("webhooks.event.id", prepared.Message?.Id);
        return prepared;
    }

    public void NotifyCommitted() => signal.Notify();
}
