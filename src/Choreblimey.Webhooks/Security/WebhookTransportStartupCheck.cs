using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Warns at start when the delivery client's primary handler is not the library's guarded one, or cannot be created.
/// Replacing it through <c>ConfigureHttpClient(c =&gt; c.ConfigurePrimaryHttpMessageHandler(...))</c> (for a client
/// certificate, say) silently took the address guard, and with it the SSRF protection, out of every delivery.
/// </summary>
internal sealed class WebhookTransportStartupCheck(
    WebhookTransportInspector transport,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookTransportStartupCheck> logger) : IHostedService
{
    // Registered before the delivery worker, so the warning comes before its first send.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // With webhooks off nothing is sent, so the handler is not even created.
        if (!options.CurrentValue.Enabled)
        {
            return Task.CompletedTask;
        }

        switch (transport.Kind)
        {
            case WebhookTransportKind.Unguarded:
                WebhookLog.AddressGuardBypassed(logger, transport.Description);
                break;
            case WebhookTransportKind.Unknown:
                WebhookLog.DeliveryHandlerFailed(logger, transport.Description);
                break;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
