using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks;

/// <summary>
/// Forwards source events by their first matching mapping. Every mapped event type is checked against the registry when the
/// bridge is created, so a mapping onto an undeclared event fails the host at start-up rather than at the first event.
/// </summary>
/// <typeparam name="TSource">The other system's event type.</typeparam>
internal sealed class WebhookEventBridge<TSource> : IWebhookEventBridge<TSource>
{
    private readonly IWebhookPublisher _publisher;
    private readonly WebhookEventBridgeRoute<TSource>[] _routes;

    public WebhookEventBridge(IWebhookPublisher publisher, IWebhookEventRegistry registry, IOptions<WebhookEventBridgeOptions<TSource>> options)
    {
        _publisher = publisher;
        _routes = [.. options.Value.Routes];
        foreach (var route in _routes)
        {
            if (!registry.TryGetEvent(route.EventType, out _))
            {
                throw new UnknownWebhookEventException(route.EventType, registry.FindClosestNames(route.EventType), registry.Count > 0);
            }
        }
    }

    public ValueTask<WebhookPublishReceipt?> ForwardAsync(TSource sourceEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceEvent);
        foreach (var route in _routes)
        {
            if (route.Matches(sourceEvent))
            {
                return AwaitReceipt(route.PublishAsync(_publisher, sourceEvent, cancellationToken));
            }
        }

        return ValueTask.FromResult<WebhookPublishReceipt?>(null);
    }

    private static async ValueTask<WebhookPublishReceipt?> AwaitReceipt(ValueTask<WebhookPublishReceipt> publish) =>
        await publish.ConfigureAwait(false);
}
