using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// Stores the configured endpoints as subscriptions with stable ids when the host is starting, before any hosted service
/// (the delivery worker included) starts. Idempotent: an unchanged endpoint is not written; a changed one is updated.
/// </summary>
internal sealed class WebhookConfiguredEndpointsInitializer(
    WebhookConfiguredEndpoints endpoints,
    IWebhookSubscriptionManager manager,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookConfiguredEndpointsInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var configured = endpoints.Endpoints.ToList();
        if (!options.CurrentValue.Enabled)
        {
            WebhookRoutingLog.ConfiguredEndpointsSkipped(logger, configured.Count);
            return;
        }

        if (configured.Count == 0)
        {
            return;
        }

        var concrete = manager as WebhookSubscriptionManager
            ?? throw new InvalidOperationException("Configured webhook endpoints need the library's own IWebhookSubscriptionManager.");
        foreach (var endpoint in configured)
        {
            WebhookSubscription stored;
            try
            {
                stored = await concrete.UpsertAsync(endpoint.TenantId, endpoint.SubscriptionId, endpoint.Request!, cancellationToken).ConfigureAwait(false);
            }
            catch (WebhookValidationException exception)
            {
                throw new InvalidOperationException(
                    $"The configured webhook endpoint '{endpoint.SubscriptionId}' is invalid ({exception.PropertyName}): {exception.Message}", exception);
            }

            WebhookRoutingLog.ConfiguredEndpointReady(logger, stored.Id, stored.TenantId, string.Join(", ", stored.EventPatterns));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
