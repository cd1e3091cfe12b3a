using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// Stores the configured endpoints as subscriptions with stable ids when the host is starting, before any hosted service
/// (the delivery worker included) starts. Idempotent: an unchanged endpoint is not written; a changed one is updated.
/// Then deletes the configured subscriptions (ids starting <c>sub_cfg_</c>) that the configuration no longer declares, in
/// every tenant of <see cref="WebhookConfiguredEndpoints.Tenants"/>: on a durable store they would otherwise go on
/// receiving events for ever.
/// </summary>
internal sealed class WebhookConfiguredEndpointsInitializer(
    WebhookConfiguredEndpoints endpoints,
    IWebhookSubscriptionManager manager,
    WebhookSubscriptionValidator validator,
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

        // A route without a URL here is stored nowhere, so nothing else checks its pattern: a misspelt event would start
        // every environment that leaves the key unset, and fail the first that sets it.
        foreach (var route in endpoints.SkippedRoutes)
        {
            try
            {
                validator.ValidatePatterns(route.EventPatterns);
            }
            catch (WebhookValidationException exception)
            {
                throw Invalid(route.Source, exception);
            }
        }

        var declared = new HashSet<(string TenantId, string SubscriptionId)>(configured.Select(e => (e.TenantId, e.SubscriptionId)));
        if (configured.Count > 0)
        {
            var concrete = manager as WebhookSubscriptionManager
                ?? throw new InvalidOperationException("Configured webhook endpoints need the library's own IWebhookSubscriptionManager.");
            foreach (var endpoint in configured)
            {
                var stored = await StoreAsync(concrete, endpoint, cancellationToken).ConfigureAwait(false);
                WebhookRoutingLog.ConfiguredEndpointReady(logger, stored.Id, stored.TenantId, string.Join(", ", stored.EventPatterns));
            }
        }

        // After storing, so a declared endpoint is never missing; what is deleted here is declared by no one.
        foreach (var tenant in endpoints.Tenants)
        {
            foreach (var subscription in await store.GetTenantSubscriptionsAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                if (subscription.Id.StartsWith(WebhookConfigurationReader.IdPrefix, StringComparison.Ordinal) && !declared.Contains((subscription.TenantId, subscription.Id)))
                {
                    await DeleteAsync(subscription.TenantId, subscription.Id, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static InvalidOperationException Invalid(string endpoint, WebhookValidationException exception) =>
        new($"The configured webhook endpoint {endpoint} is invalid ({exception.PropertyName}): {exception.Message}", exception);

    private async Task<WebhookSubscription> StoreAsync(WebhookSubscriptionManager concrete, WebhookConfiguredEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await concrete.UpsertAsync(endpoint.TenantId, endpoint.SubscriptionId, endpoint.Request!, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookValidationException exception)
        {
            throw Invalid($"{endpoint.Source} ('{endpoint.SubscriptionId}')", exception);
        }
        catch (ArgumentException exception)
        {
            // An invalid tenant id says what is wrong but not where: the configuration entry is what the reader has to fix.
            throw new ArgumentException(
                $"The configured webhook endpoint {endpoint.Source} ('{endpoint.SubscriptionId}') is invalid: {exception.Message}", exception.ParamName, exception);
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or ArgumentException))
        {
            // An invalid tenant id (ArgumentException) says what is wrong already; anything else may be a taken id: the upsert
            // reads within the endpoint's tenant, so an id another tenant holds looks free to it, and the store then refuses
            // to create it (ids are unique across tenants). Look for the holder in the tenants the library can look in.
            if (await FindHolderAsync(endpoint, cancellationToken).ConfigureAwait(false) is not { } holder)
            {
                throw new InvalidOperationException(
                    $"The configured webhook endpoint {endpoint.Source} could not be stored as subscription '{endpoint.SubscriptionId}' of tenant '{endpoint.TenantId}': "
                    + $"{exception.Message} If another tenant holds that id (subscription ids are unique across tenants, and this configuration names no such tenant), "
                    + "delete the subscription there or rename the endpoint.",
                    exception);
            }

            // The holder is a configured subscription (its id says so) of a tenant this configuration names, and the
            // configuration does not declare it there (each id is declared once): the removal after storing would delete it anyway.
            // Typically an earlier version's id for a tenant's endpoint, or an endpoint whose TenantId was changed.
            await DeleteAsync(holder.TenantId, holder.Id, cancellationToken).ConfigureAwait(false);
            return await concrete.UpsertAsync(endpoint.TenantId, endpoint.SubscriptionId, endpoint.Request!, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken)
    {
        // Through the manager, so the routing cache and the endpoint's in-memory state go with the subscription.
        if (await manager.DeleteAsync(tenantId, subscriptionId, cancellationToken).ConfigureAwait(false))
        {
            WebhookRoutingLog.ConfiguredEndpointRemoved(logger, subscriptionId, tenantId);
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
