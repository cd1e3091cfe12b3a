namespace Choreblimey.Webhooks;

/// <summary>Declares how the events of another event system map onto declared webhook events.</summary>
/// <typeparam name="TSource">The other system's event type.</typeparam>
public sealed class WebhookEventBridgeBuilder<TSource>
{
    private readonly List<WebhookEventBridgeRoute<TSource>> _routes;

    internal WebhookEventBridgeBuilder(List<WebhookEventBridgeRoute<TSource>> routes) => _routes = routes;

    /// <summary>Maps source events of type <typeparamref name="TEvent"/> onto the webhook event <paramref name="eventType"/>.</summary>
    /// <typeparam name="TEvent">The source event's runtime type (matched with <c>is</c>; the first matching mapping wins).</typeparam>
    /// <typeparam name="TPayload">The webhook payload type.</typeparam>
    /// <param name="eventType">A declared webhook event type; checked when the bridge is first resolved.</param>
    /// <param name="payload">Builds the webhook payload from the source event.</param>
    /// <param name="options">Builds the publish options (tenant, actor, idempotency key) from the source event; none when omitted.</param>
    /// <returns>This builder.</returns>
    public WebhookEventBridgeBuilder<TSource> Map<TEvent, TPayload>(
        string eventType,
        Func<TEvent, TPayload> payload,
        Func<TEvent, WebhookPublishOptions>? options = null)
        where TEvent : TSource
    {
        WebhookEventName.EnsureValid(eventType, nameof(eventType));
        ArgumentNullException.ThrowIfNull(payload);
        _routes.Add(new WebhookEventBridgeRoute<TSource>(
            typeof(TEvent),
            eventType,
            typeof(TPayload),
            static source => source is TEvent,
            (publisher, source, cancellationToken) =>
            {
                var typed = (TEvent)source!;
                return publisher.PublishAsync(eventType, payload(typed), options?.Invoke(typed) ?? new WebhookPublishOptions(), cancellationToken);
            }));
        return this;
    }
}
