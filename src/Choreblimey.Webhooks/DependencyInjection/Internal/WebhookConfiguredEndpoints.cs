using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// Every endpoint declared by configuration (static endpoints, environment conventions, destination maps), read once; and
/// the report of events published for a destination route that has no URL configured.
/// </summary>
internal sealed class WebhookConfiguredEndpoints
{
    private readonly WebhookEndpointSource[] _sources;
    private readonly Lazy<IReadOnlyList<WebhookConfiguredEndpoint>> _all;
    private readonly Lazy<WebhookConfiguredEndpoint[]> _skipped;
    private readonly WebhookRoutingMetrics _metrics;
    private readonly ILogger<WebhookConfiguredEndpoints> _logger;

    public WebhookConfiguredEndpoints(
        IEnumerable<WebhookEndpointSource> sources,
        IServiceProvider services,
        WebhookRoutingMetrics metrics,
        ILogger<WebhookConfiguredEndpoints> logger)
    {
        _sources = [.. sources];
        _metrics = metrics;
        _logger = logger;
        _all = new(() => Read(_sources, services));
        _skipped = new(() => [.. _all.Value.Where(e => e.Request is null)]);
    }

    /// <summary>Gets the endpoints to store as subscriptions.</summary>
    public IEnumerable<WebhookConfiguredEndpoint> Endpoints => _sources.Length == 0 ? [] : _all.Value.Where(e => e.Request is not null);

    /// <summary>Gets the destination routes that have no URL configured here, so are stored as no subscription.</summary>
    public IEnumerable<WebhookConfiguredEndpoint> SkippedRoutes => _sources.Length == 0 ? [] : _skipped.Value;

    /// <summary>
    /// Gets the tenants whose configured subscriptions the library can look at: every tenant this configuration names (a
    /// skipped destination route's too), the host-level tenant and the default tenant. The store cannot list tenants, so a
    /// tenant named by no configuration any more is not among them.
    /// </summary>
    public IReadOnlyList<string> Tenants =>
        [.. (_sources.Length == 0 ? [] : _all.Value.Select(e => e.TenantId)).Append(WebhookTenants.All).Append(WebhookTenants.Default).Distinct(StringComparer.Ordinal)];

    /// <summary>Counts and logs (at Debug) each destination route of the tenant that <paramref name="eventType"/> would have used.</summary>
    public void ReportSkipped(string eventType, string tenantId)
    {
        if (_sources.Length == 0)
        {
            return;
        }

        foreach (var route in _skipped.Value)
        {
            if ((route.TenantId == WebhookTenants.All || string.Equals(route.TenantId, tenantId, StringComparison.Ordinal)) && WebhookEventPatterns.MatchesAny(route.EventPatterns, eventType))
            {
                _metrics.RouteSkipped(eventType);
                WebhookRoutingLog.DestinationSkipped(_logger, eventType, tenantId, route.SkippedKeys ?? string.Empty);
            }
        }
    }

    private static List<WebhookConfiguredEndpoint> Read(WebhookEndpointSource[] sources, IServiceProvider services)
    {
        var all = new List<WebhookConfiguredEndpoint>();
        // By id alone, as the stores key subscriptions: two tenants' endpoints may not share an id either.
        var ids = new Dictionary<string, WebhookConfiguredEndpoint>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var endpoint in source.Resolve(services))
            {
                if (endpoint.Request is not null && !ids.TryAdd(endpoint.SubscriptionId, endpoint))
                {
                    var first = ids[endpoint.SubscriptionId];
                    throw new InvalidOperationException(
                        $"Two configured webhook endpoints have the subscription id '{endpoint.SubscriptionId}': {first.Source} of tenant '{first.TenantId}' "
                        + $"and {endpoint.Source} of tenant '{endpoint.TenantId}'. Subscription ids are unique across tenants; give the endpoints different names.");
                }

                all.Add(endpoint);
            }
        }

        return all;
    }
}
