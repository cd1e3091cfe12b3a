namespace Choreblimey.Webhooks;

/// <summary>One mapping of a bridge: which source events it takes and how it publishes them.</summary>
/// <typeparam name="TSource">The other system's event type.</typeparam>
internal sealed record WebhookEventBridgeRoute<TSource>(
    Type SourceType,
    string EventType,
    Type PayloadType,
    Func<TSource, bool> Matches,
    Func<IWebhookPublisher, TSource, CancellationToken, ValueTask<WebhookPublishReceipt>> PublishAsync);
