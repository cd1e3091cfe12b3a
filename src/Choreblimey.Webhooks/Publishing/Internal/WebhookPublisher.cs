using System.Diagnostics;
using System.Text.Json;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// Validates, serialises once, routes to the tenant's matching active subscriptions and stores the message with its
/// deliveries in one step, then wakes the worker. Never performs HTTP.
/// </summary>
internal sealed class WebhookPublisher(
    IWebhookEventRegistry registry,
    IWebhookStore store,
    WebhookSubscriptionRouter router,
    WebhookIdGenerator ids,
    WebhookWorkerSignal signal,
    WebhookMetrics metrics,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookPublisher> logger) : IWebhookPublisher
{
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

        var tenantId = publishOptions.TenantId ?? string.Empty;
        byte[] data;
        try
        {
            data = Prepare(eventType, payload, tenantId, publishOptions, current);
        }
        catch (Exception exception) when (!current.ThrowOnInvalidPublish && exception is WebhookException or ArgumentException)
        {
            metrics.PublishRejected(eventType);
            WebhookLog.PublishRejected(logger, eventType, exception.Message, exception);
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            return new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Rejected, exception.Message);
        }

        var subscriptions = await router.GetMatchingActiveAsync(tenantId, eventType, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var message = new WebhookMessage
        {
            Id = ids.NewMessageId(),
            TenantId = tenantId,
            EventType = eventType,
            Timestamp = now,
            Actor = publishOptions.Actor,
            Data = data,
            IdempotencyKey = publishOptions.IdempotencyKey,
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } ambient ? ambient.Id : null,
        };

        var deliveries = new WebhookDelivery[subscriptions.Count];
        for (var i = 0; i < deliveries.Length; i++)
        {
            var subscription = subscriptions[i];
            var schedule = subscription.RetrySchedule ?? (IReadOnlyList<TimeSpan>)current.Retry.Schedule;
            deliveries[i] = new WebhookDelivery
            {
                Id = ids.NewDeliveryId(),
                TenantId = tenantId,
                MessageId = message.Id,
                SubscriptionId = subscription.Id,
                EventType = eventType,
                Status = WebhookDeliveryStatus.Pending,
                NextAttemptAt = now + (schedule.Count > 0 ? schedule[0] : TimeSpan.Zero),
                CreatedAt = now,
            };
        }

        var result = await store.InsertMessageAsync(message, deliveries, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("webhooks.event.id", result.MessageId);
        if (result.IsDuplicate)
        {
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

    private byte[] Prepare<TPayload>(string eventType, TPayload payload, string tenantId, WebhookPublishOptions publishOptions, WebhookOptions current)
    {
        if (!registry.TryGetEvent(eventType, out _))
        {
            throw new UnknownWebhookEventException(eventType, registry.FindClosestNames(eventType));
        }

        WebhookInputRules.EnsureValidTenantId(tenantId, nameof(publishOptions.TenantId));
        WebhookInputRules.EnsureValidActor(publishOptions.Actor, nameof(publishOptions.Actor));
        WebhookInputRules.EnsureValidIdempotencyKey(publishOptions.IdempotencyKey, nameof(publishOptions.IdempotencyKey));

        byte[] data;
        try
        {
            data = JsonSerializer.SerializeToUtf8Bytes(payload, current.JsonSerializerOptions);
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new WebhookPayloadException(
                eventType,
                $"The payload of webhook event '{eventType}' ({typeof(TPayload)}) cannot be serialised to JSON: {exception.Message}",
                exception);
        }

        if (data.Length > current.MaxPayloadBytes)
        {
            throw new WebhookPayloadException(
                eventType,
                $"The payload of webhook event '{eventType}' is {data.Length} bytes, over the limit of {current.MaxPayloadBytes} bytes (WebhookOptions.MaxPayloadBytes).",
                null);
        }

        return data;
    }
}
