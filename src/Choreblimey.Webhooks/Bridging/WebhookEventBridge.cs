using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks;

/// <summary>
/// Forwards source events by their first matching mapping. Every mapping is checked against the registry when the bridge is
/// created, so a mapping onto an undeclared event, or with a payload type other than the declared one, fails the host at
/// start-up rather than at the first event.
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
            if (!registry.TryGetEvent(route.EventType, out var definition))
            {
                throw new UnknownWebhookEventException(route.EventType, registry.FindClosestNames(route.EventType), registry.Count > 0);
            }

            if (definition.PayloadType is { } declared && !declared.IsAssignableFrom(route.PayloadType))
            {
                throw new InvalidOperationException(
                    $"The bridge from {typeof(TSource).Name} maps {route.SourceType.Name} onto '{route.EventType}' with a payload of type {route.PayloadType}, " +
                    $"but '{route.EventType}' is declared with the payload type {declared}. Map it to a {declared.Name}, or declare the event with the bridge's payload type.");
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
