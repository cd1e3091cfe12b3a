using System.Diagnostics;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// Validates, serialises once, routes to the tenant's matching subscriptions (active, or disabled and held) (all three in
/// <see cref="WebhookEventPreparer"/>, shared with <see cref="WebhookOutbox"/>) and stores the message with its deliveries
/// in one step, then wakes the worker. Never performs HTTP.
/// </summary>
internal sealed class WebhookPublisher(
    WebhookEventPreparer preparer,
    IWebhookStore store,
    WebhookWorkerSignal signal,
    WebhookMetrics metrics,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookPublisher> logger) : IWebhookPublisher, IWebhookEventRegistryProvider
{
    public IWebhookEventRegistry EventRegistry => preparer.Registry;

    public ValueTask<WebhookPublishReceipt> PublishByPayloadTypeAsync<TPayload>(TPayload payload, WebhookPublishOptions publishOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publishOptions);
        var current = options.CurrentValue;
        var payloadType = typeof(TPayload);
        if (!current.Enabled)
        {
            WebhookLog.PublishDisabled(logger, payloadType.Name);
            return ValueTask.FromResult(new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Disabled));
        }

        WebhookEventDefinition definition;
        try
        {
            definition = WebhookPublisherTypedExtensions.GetEventForPayload(this, payloadType);
        }
        catch (Exception exception) when (!current.ThrowOnInvalidPublish && exception is WebhookException or InvalidOperationException)
        {
            metrics.PublishRejected(payloadType.Name);
            WebhookLog.PublishRejected(logger, payloadType.Name, exception.Message, null);
            return ValueTask.FromResult(new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Rejected, exception.Message));
        }

        return PublishAsync(definition.Name, payload, publishOptions, cancellationToken);
    }

    public ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        string? tenantId = null,
        string? actor = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PublishAsync(eventType, payload, new WebhookPublishOptions { TenantId = tenantId, Actor = actor, IdempotencyKey = idempotencyKey }, cancellationToken);

    public async ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions publishOptions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(publishOptions);
        var current = options.CurrentValue;
        if (!current.Enabled)
        {
            WebhookLog.PublishDisabled(logger, eventType);
            return new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Disabled);
        }

        using var activity = WebhookActivitySource.Instance.StartActivity("webhooks publish", ActivityKind.Producer);
        activity?.SetTag("webhooks.event.type", eventType);
        if (preparer.Validate(eventType, payload, publishOptions, current, activity, out var data) is { } rejected)
        {
            return rejected;
        }

        // Only the store's work is in the try: routing (whose cache reads the store) and the write. Validation has thrown or
        // rejected above, and nothing after the write may turn a stored event into a "not stored" receipt.
        WebhookMessage message;
        WebhookMessageInsertResult result;
        try
        {
            var prepared = await preparer.RouteAsync(eventType, data, publishOptions, current, cancellationToken).ConfigureAwait(false);
            message = prepared.Message!;
            result = await store.InsertMessageAsync(message, prepared.Deliveries, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            metrics.PublishFailed(eventType);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (current.ThrowOnStoreFailure)
            {
                throw;
            }

            WebhookLog.PublishFailed(logger, eventType, publishOptions.TenantId ?? string.Empty, exception);
            return new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Failed, $"The event could not be stored, so it will not be delivered ({exception.GetType().Name}: {exception.Message}).");
        }

        var tenantId = message.TenantId;
        activity?.SetTag("webhooks.event.id", result.MessageId);
        if (result.IsDuplicate)
        {
            // Stores match idempotency keys on tenant and key alone; the event type is compared here, for every store.
            var storedEventType = await ReadStoredEventTypeAsync(message, result, current, cancellationToken).ConfigureAwait(false);
            if (preparer.CheckDuplicate(message, result, storedEventType, current, activity) is { } conflict)
            {
                return conflict;
            }

            WebhookLog.DuplicatePublish(logger, eventType, tenantId, result.MessageId);
            return new WebhookPublishReceipt(result.MessageId, result.DeliveryCount, WebhookPublishStatus.Duplicate);
        }

        if (result.DeliveryCount > 0)
        {
            signal.Notify();
        }

        metrics.Published(eventType, result.DeliveryCount);
        WebhookLog.Published(logger, eventType, result.MessageId, tenantId, result.DeliveryCount);
        return new WebhookPublishReceipt(result.MessageId, result.DeliveryCount, WebhookPublishStatus.Published);
    }

    /// <summary>
    /// Reads the type of the event that holds a duplicate's idempotency key. That event is stored whatever happens here, so
    /// with <see cref="WebhookOptions.ThrowOnStoreFailure"/> off a read that fails leaves nothing to compare, and the
    /// publish stays a duplicate (as when the first event has been purged), rather than being reported as not stored.
    /// </summary>
    private async ValueTask<string?> ReadStoredEventTypeAsync(WebhookMessage message, WebhookMessageInsertResult result, WebhookOptions current, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.GetMessageAsync(message.TenantId, result.MessageId, cancellationToken).ConfigureAwait(false))?.EventType;
        }
        catch (Exception exception) when (!current.ThrowOnStoreFailure && IsStoreFailure(exception, cancellationToken))
        {
            WebhookLog.DuplicateNotCompared(logger, message.EventType, message.TenantId, result.MessageId, exception);
            return null;
        }
    }

    /// <summary>
    /// Whether a publish failed in the store (reading the subscriptions to route to, or writing the event): anything but
    /// invalid input (thrown as <see cref="WebhookException"/> or <see cref="ArgumentException"/>, which
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> governs) and the caller's own cancellation.
    /// </summary>
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not (WebhookException or ArgumentException or OutOfMemoryException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
