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
    IWebhookStore store,
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
            var stored = await StoreAsync(concrete, endpoint, cancellationToken).ConfigureAwait(false);
            WebhookRoutingLog.ConfiguredEndpointReady(logger, stored.Id, stored.TenantId, string.Join(", ", stored.EventPatterns));
        }
    }

    private async Task<WebhookSubscription> StoreAsync(WebhookSubscriptionManager concrete, WebhookConfiguredEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await concrete.UpsertAsync(endpoint.TenantId, endpoint.SubscriptionId, endpoint.Request!, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookValidationException exception)
        {
            throw new InvalidOperationException(
                $"The configured webhook endpoint '{endpoint.SubscriptionId}' is invalid ({exception.PropertyName}): {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The upsert reads within the endpoint's tenant, so an id another tenant holds looks free to it, and the store then
            // refuses to create it (ids are unique across tenants). Name that tenant when it is one the library can look in.
            var holder = await FindHolderAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (holder is null)
            {
                throw new InvalidOperationException(
                    $"The configured webhook endpoint {endpoint.Source} could not be stored as subscription '{endpoint.SubscriptionId}' of tenant '{endpoint.TenantId}': "
                    + $"{exception.Message} If another tenant holds that id (subscription ids are unique across tenants, and this configuration names no such tenant), "
                    + "delete the subscription there or rename the endpoint.",
                    exception);
            }

            throw new InvalidOperationException(
                $"The configured webhook endpoint {endpoint.Source} of tenant '{endpoint.TenantId}' needs the subscription id '{endpoint.SubscriptionId}', "
                + $"which tenant '{holder.TenantId}' already has (subscription ids are unique across tenants). Delete it from tenant '{holder.TenantId}' or rename the endpoint.",
                exception);
        }
    }

    private async Task<WebhookSubscription?> FindHolderAsync(WebhookConfiguredEndpoint endpoint, CancellationToken cancellationToken)
    {
        foreach (var tenant in endpoints.Tenants)
        {
            if (!string.Equals(tenant, endpoint.TenantId, StringComparison.Ordinal)
                && await store.GetSubscriptionAsync(tenant, endpoint.SubscriptionId, cancellationToken).ConfigureAwait(false) is { } holder)
            {
                return holder;
            }
        }

        return null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
