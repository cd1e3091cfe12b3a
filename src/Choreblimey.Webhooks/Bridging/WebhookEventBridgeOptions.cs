namespace Choreblimey.Webhooks;

/// <summary>The mappings of one bridge, accumulated by every <c>AddEventBridge&lt;TSource&gt;</c> call.</summary>
/// <typeparam name="TSource">The other system's event type.</typeparam>
internal sealed class WebhookEventBridgeOptions<TSource>
{
    public List<WebhookEventBridgeRoute<TSource>> Routes { get; } = [];
}
