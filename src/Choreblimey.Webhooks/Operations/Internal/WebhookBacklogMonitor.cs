using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>
/// Samples the store's backlog every <see cref="WebhookMonitoringOptions.BacklogSampleInterval"/> and reports the cached
/// sample through observable gauges, so a metrics collection never waits on the store.
/// </summary>
internal sealed class WebhookBacklogMonitor : BackgroundService
{
    private readonly IWebhookStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly ILogger<WebhookBacklogMonitor> _logger;
    private volatile Sample? _latest;

    public WebhookBacklogMonitor(IWebhookStore store, WebhookMetrics metrics, TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options, ILogger<WebhookBacklogMonitor> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _options = options;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("webhooks.deliveries.pending", () => _latest?.Backlog.PendingCount ?? 0, "{delivery}", "Pending deliveries of active subscriptions (sampled).");
        metrics.Meter.CreateObservableGauge("webhooks.deliveries.oldest_pending_age", OldestPendingAgeSeconds, "s", "Age of the oldest pending delivery (sampled).");
    }

    /// <summary>Gets the latest sample, or <see langword="null"/> before the first one.</summary>
    public WebhookBacklog? Latest => _latest?.Backlog;

    /// <summary>Reads the backlog from the store now and caches it.</summary>
    public async Task<WebhookBacklog> SampleAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var backlog = await _store.GetBacklogAsync(now - _options.CurrentValue.Monitoring.DeadLetterWindow, cancellationToken).ConfigureAwait(false);
        _latest = new Sample(backlog, now);
        return backlog;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.CurrentValue.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(_options.CurrentValue.Monitoring.BacklogSampleInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NotSupportedException)
            {
                WebhookLog.StoreOperationUnsupported(_logger, "backlog sampling");
                return;
            }
#pragma warning disable CA1031 // A failed sample keeps the previous value; the next interval tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                WebhookLog.BacklogSampleFailed(_logger, exception);
                try
                {
                    await Task.Delay(_options.CurrentValue.Monitoring.BacklogSampleInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private double OldestPendingAgeSeconds() =>
        _latest is { Backlog.OldestPendingCreatedAt: { } oldest } sample ? Math.Max(0, (sample.SampledAt - oldest).TotalSeconds) : 0;

    private sealed record Sample(WebhookBacklog Backlog, DateTimeOffset SampledAt);
}
