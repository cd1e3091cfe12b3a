using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Bridging.Internal;

/// <summary>
/// Creates the bridge of <typeparamref name="TSource"/> while the host is starting. The bridge checks its mappings when it is
/// created, and it is a singleton resolved on demand, so without this a mapping onto an undeclared event (or with the wrong
/// payload type) started the host and failed the first request that forwarded an event.
/// </summary>
/// <typeparam name="TSource">The other system's event type.</typeparam>
internal sealed class WebhookEventBridgeStartupCheck<TSource>(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Throws the bridge's own exception (UnknownWebhookEventException, or the payload type mismatch), which fails the start.
        _ = services.GetRequiredService<IWebhookEventBridge<TSource>>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
