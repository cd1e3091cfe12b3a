using System.Diagnostics.Metrics;
using Choreblimey.Webhooks.Diagnostics;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>Routing instruments, on the library's meter (<see cref="WebhookDiagnostics.MeterName"/>).</summary>
internal sealed class WebhookRoutingMetrics
{
    private readonly Counter<long> _routesSkipped;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _expired;

    public WebhookRoutingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(WebhookDiagnostics.MeterName, WebhookActivitySource.Version);
        _routesSkipped = meter.CreateCounter<long>("webhooks.routes.skipped", "{event}", "Events not sent to a configured destination route because neither its URL key nor its fallback is set.");
        _rateLimited = meter.CreateCounter<long>("webhooks.deliveries.rate_limited", "{delivery}", "Deliveries postponed by a subscription's rate limit.");
        _expired = meter.CreateCounter<long>("webhooks.deliveries.expired", "{delivery}", "Deliveries dead-lettered because the event outlived WebhookOptions.EventTimeToLive.");
    }

    public void RouteSkipped(string eventType) => _routesSkipped.Add(1, new KeyValuePair<string, object?>("event.type", eventType));

    public void RateLimited() => _rateLimited.Add(1);

    public void Expired() => _expired.Add(1);
}
