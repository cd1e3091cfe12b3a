using System.Diagnostics;
using System.Text.Json;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// The first half of a publish, shared by <see cref="WebhookPublisher"/> (which then writes through the store) and
/// <see cref="WebhookOutbox"/> (whose callers write in their own transaction): validates, serialises once, routes to the
/// tenant's matching subscriptions (active, or disabled and held) and builds the message and its deliveries.
/// </summary>
internal sealed class WebhookEventPreparer(
    IWebhookEventRegistry registry,
    WebhookSubscriptionRouter router,
    WebhookConfiguredEndpoints destinationRoutes,
    WebhookIdGenerator ids,
    WebhookMetrics metrics,
    TimeProvider timeProvider,
    ILogger<WebhookPublisher> logger)
{
    private readonly WebhookPayloadSerializerOptions _payloadOptions = new();

    /// <summary>Gets the registry events are validated against.</summary>
    public IWebhookEventRegistry Registry => registry;

    /// <summary>Prepares an event; the caller has checked that webhooks are enabled.</summary>
    /// <returns>The event to write, or a <see cref="WebhookPublishStatus.Rejected"/> receipt when invalid input is not thrown.</returns>
    public async ValueTask<WebhookPreparedEvent> PrepareAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions publishOptions,
        WebhookOptions current,
        Activity? activity,
        CancellationToken cancellationToken)
    {
        if (Validate(eventType, payload, publishOptions, current, activity, out var data) is { } rejected)
        {
            return new WebhookPreparedEvent(rejected);
        }

        return await RouteAsync(eventType, data, publishOptions, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first step of <see cref="PrepareAsync"/>: validates the event and serialises its payload into
    /// <paramref name="data"/>. Touches no store.
    /// </summary>
    /// <returns><see langword="null"/>, or a <see cref="WebhookPublishStatus.Rejected"/> receipt when invalid input is not thrown.</returns>
    public WebhookPublishReceipt? Validate<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions publishOptions,
        WebhookOptions current,
        Activity? activity,
        out byte[] data)
    {
        try
        {
            var declaredType = EnsureValid(eventType, payload, publishOptions);
            data = SerializePayload(eventType, subject: null, payload, declaredType ?? typeof(TPayload), current);
            return null;
        }
        catch (Exception exception) when (!current.ThrowOnInvalidPublish && exception is WebhookException or ArgumentException)
        {
            data = [];
            return Reject(eventType, exception, activity);
        }
    }

    /// <summary>
    /// The second step of <see cref="PrepareAsync"/>: routes a validated event to the tenant's matching subscriptions (the
    /// routing cache, which reads the store when it is stale) and builds the message and its deliveries.
    /// </summary>
    public async ValueTask<WebhookPreparedEvent> RouteAsync(
        string eventType,
        byte[] data,
        WebhookPublishOptions publishOptions,
        WebhookOptions current,
        CancellationToken cancellationToken)
    {
        var tenantId = publishOptions.TenantId ?? string.Empty;
        var subscriptions = await router.GetMatchingActiveAsync(tenantId, eventType, publishOptions.Attributes, cancellationToken).ConfigureAwait(false);
        destinationRoutes.ReportSkipped(eventType, tenantId);
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
                Priority = publishOptions.Priority,
            };
        }

        return new WebhookPreparedEvent(message, deliveries);
    }

    /// <summary>
    /// Checks an event the store did not write because its idempotency key was taken (per tenant) against the event that
    /// holds the key. The same event type is a harmless re-publish; another type means the key was reused for a different
    /// event, which would be dropped silently if it were reported as a duplicate.
    /// </summary>
    /// <param name="message">The event that was not written.</param>
    /// <param name="result">What the store returned: the id of the event that holds the key.</param>
    /// <param name="storedEventType">
    /// The type of the event that holds the key, read back from the store; <see langword="null"/> when it could not be read
    /// (purged since), in which case there is nothing to compare and the publish stays a duplicate.
    /// </param>
    /// <param name="current">The options (for <see cref="WebhookOptions.ThrowOnInvalidPublish"/>).</param>
    /// <param name="activity">The publish activity, if any.</param>
    /// <returns><see langword="null"/> for a true duplicate, or a <see cref="WebhookPublishStatus.Rejected"/> receipt.</returns>
    /// <exception cref="WebhookIdempotencyConflictException">The key holds another event type and <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set.</exception>
    public WebhookPublishReceipt? CheckDuplicate(WebhookMessage message, WebhookMessageInsertResult result, string? storedEventType, WebhookOptions current, Activity? activity)
    {
        if (storedEventType is null || string.Equals(storedEventType, message.EventType, StringComparison.Ordinal))
        {
            return null;
        }

        var conflict = new WebhookIdempotencyConflictException(message.IdempotencyKey ?? string.Empty, message.TenantId, result.MessageId, storedEventType, message.EventType);
        if (current.ThrowOnInvalidPublish)
        {
            throw conflict;
        }

        return Reject(message.EventType, conflict, activity);
    }

    /// <summary>
    /// The exception worth a stack trace in the log: one the host's own code threw while its payload was serialised (a
    /// converter's <see cref="NullReferenceException"/>, say); <see langword="null"/> for bad input, which the message states.
    /// </summary>
    private static Exception? FailureInHostCode(Exception exception) => exception switch
    {
        WebhookPayloadException { InnerException: { } inner } when inner is not (JsonException or NotSupportedException or ArgumentException) => exception,
        WebhookException or ArgumentException => null,
        _ => exception,
    };

    private WebhookPublishReceipt Reject(string eventType, Exception exception, Activity? activity)
    {
        metrics.PublishRejected(eventType);
        WebhookLog.PublishRejected(logger, eventType, exception.Message, FailureInHostCode(exception));
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        return new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Rejected, exception.Message);
    }

    /// <summary>
    /// Checks everything about a publish but its serialisation: the event is declared, the tenant, actor, key, attributes
    /// and priority are valid, and the payload is of the event's declared type.
    /// </summary>
    /// <returns>The type to serialise the payload as when the event declares one; otherwise <see langword="null"/>.</returns>
    public Type? EnsureValid<TPayload>(string eventType, TPayload payload, WebhookPublishOptions publishOptions)
    {
        var tenantId = publishOptions.TenantId ?? string.Empty;
        if (!registry.TryGetEvent(eventType, out var definition))
        {
            throw new UnknownWebhookEventException(eventType, registry.FindClosestNames(eventType), registry.Count > 0);
        }

        WebhookInputRules.EnsureValidTenantId(tenantId, nameof(publishOptions.TenantId));
        if (tenantId == WebhookTenants.All)
        {
            throw new ArgumentException($"'{WebhookTenants.All}' is the tenant of host-level subscriptions; events are published to a real tenant (or none).", nameof(publishOptions));
        }

        WebhookInputRules.EnsureValidActor(publishOptions.Actor, nameof(publishOptions.Actor));
        WebhookInputRules.EnsureValidIdempotencyKey(publishOptions.IdempotencyKey, nameof(publishOptions.IdempotencyKey));
        WebhookPublishAttributes.EnsureValid(publishOptions.Attributes, nameof(publishOptions.Attributes));
        if (!Enum.IsDefined(publishOptions.Priority))
        {
            throw new ArgumentOutOfRangeException(nameof(publishOptions), publishOptions.Priority, "The priority must be Low, Normal or High.");
        }

        // An event declared with AddEvent<T> promises its subscribers (and its contract's schema) T's shape: another type
        // would be delivered as if it were one, and a T held as a base type or object would lose the fields only T has.
        // A null payload is written as JSON null, as before.
        var declaredType = payload is null ? null : definition.PayloadType;
        if (declaredType is not null && !declaredType.IsInstanceOfType(payload))
        {
            throw new WebhookPayloadException(
                eventType,
                $"The payload of webhook event '{eventType}' must be a {declaredType}, the payload type it was declared with (AddEvent<T>); {Describe(payload!.GetType())} was given.",
                null);
        }

        return declaredType;
    }

    /// <summary>
    /// Checks, before a payload exists, that one of <paramref name="payloadType"/> could be of the event's declared type: a
    /// factory declared to build an unrelated class or struct can never produce it. Interfaces are left to the payload.
    /// </summary>
    /// <exception cref="WebhookPayloadException">Neither type can be the other.</exception>
    public void EnsurePayloadTypeCanMatch(string eventType, Type payloadType)
    {
        if (registry.TryGetEvent(eventType, out var definition)
            && definition.PayloadType is { } declaredType
            && !declaredType.IsInterface && !payloadType.IsInterface
            && !declaredType.IsAssignableFrom(payloadType) && !payloadType.IsAssignableFrom(declaredType))
        {
            throw new WebhookPayloadException(
                eventType,
                $"The payload of webhook event '{eventType}' must be a {declaredType}, the payload type it was declared with (AddEvent<T>); the factory builds {Describe(payloadType)}.",
                null);
        }
    }

    // The compiler's names for anonymous types (<>f__AnonymousType0`2[...]) say nothing to the caller.
    private static string Describe(Type type) =>
        type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal)
            ? "an anonymous type"
            : $"a {type}";

    /// <summary>
    /// Serialises a payload as <paramref name="payloadType"/> with the publish's options (63 levels deep at most unless the
    /// host set a limit), and holds it to <see cref="WebhookOptions.MaxPayloadBytes"/>. Also used for test sends.
    /// </summary>
    /// <param name="eventType">The event the payload is for.</param>
    /// <param name="subject">How messages name the payload; <see langword="null"/> for "The payload of webhook event '…'" (built only on failure, off the publish path).</param>
    /// <param name="payload">The payload.</param>
    /// <param name="payloadType">The type to serialise it as.</param>
    /// <param name="current">The options.</param>
    /// <exception cref="WebhookPayloadException">The payload cannot be serialised or is too large.</exception>
    public byte[] SerializePayload(string eventType, string? subject, object? payload, Type payloadType, WebhookOptions current)
    {
        byte[] data;
        try
        {
            data = JsonSerializer.SerializeToUtf8Bytes(payload, payloadType, _payloadOptions.For(current.JsonSerializerOptions));
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new WebhookPayloadException(
                eventType,
                $"{subject ?? DefaultSubject(eventType)} ({payloadType}) cannot be serialised to JSON: {DescribeSerializationFailure(exception)}",
                exception);
        }

        if (data.Length > current.MaxPayloadBytes)
        {
            throw new WebhookPayloadException(
                eventType,
                $"{subject ?? DefaultSubject(eventType)} is {data.Length} bytes, over the limit of {current.MaxPayloadBytes} bytes (WebhookOptions.MaxPayloadBytes).",
                null);
        }

        return data;
    }

    private static string DefaultSubject(string eventType) => $"The payload of webhook event '{eventType}'";

    private static string DescribeSerializationFailure(Exception exception)
    {
        // The serialiser often wraps the cause ("The object or value could not be serialized. Path: $.x."); the inner
        // message says what it was, such as the nesting limit that was reached.
        var description = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!description.Contains(inner.Message, StringComparison.Ordinal))
            {
                description += " " + inner.Message;
            }
        }

        return description;
    }
}
