using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>Subscribes the webhook bridge to <see cref="TicketingEvents"/> when the host starts.</summary>
internal sealed class TicketingWebhookForwarder(TicketingEvents ticketing, IWebhookEventBridge<TicketingEvent> bridge) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ticketing.Subscribe(async (e, token) => await bridge.ForwardAsync(e, token));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
