using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>
/// Purges the delivery log every <see cref="WebhookRetentionOptions.Interval"/>, in bounded batches, until nothing expired is left.
/// </summary>
internal sealed class WebhookRetentionService(
    IWebhookStore store,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookRetentionService> logger) : BackgroundService
{
    /// <summary>Runs purge batches until one removes less than a full batch.</summary>
    /// <returns>The totals removed.</returns>
    public async Task<(long Deliveries, long Attempts, long Messages)> PurgeAsync(CancellationToken cancellationToken)
    {
        var retention = options.CurrentValue.Retention;
        var now = timeProvider.GetUtcNow();
        var longest = new[] { retention.SucceededTtl, retention.FailedTtl }.Concat(retention.PerEventType.Values).Max();
        var request = new WebhookPurgeRequest
        {
            SucceededBefore = now - retention.SucceededTtl,
            FailedBefore = now - retention.FailedTtl,
            MessagesBefore = now - longest,
            Overrides = [.. retention.PerEventType.Select(p => new WebhookPurgeOverride(p.Key, now - p.Value, now - p.Value))],
            BatchSize = Math.Max(1, retention.BatchSize),
        };

        long deliveries = 0, attempts = 0, messages = 0;
        while (true)
        {
            var result = await store.PurgeAsync(request, cancellationToken).ConfigureAwait(false);
            deliveries += result.Deliveries;
            attempts += result.Attempts;
            messages += result.Messages;
            if (result.Deliveries < request.BatchSize && result.Messages < request.BatchSize)
            {
                break;
            }
        }

        if (deliveries + messages > 0)
        {
            WebhookLog.Purged(logger, deliveries, attempts, messages);
        }

        return (deliveries, attempts, messages);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var retention = options.CurrentValue.Retention;
            try
            {
                if (retention.Enabled)
                {
                    await PurgeAsync(stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(retention.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NotSupportedException)
            {
                WebhookLog.StoreOperationUnsupported(logger, "retention purge");
                return;
            }
#pragma warning disable CA1031 // A failed purge is retried at the next interval; it must not stop the host.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                WebhookLog.PurgeFailed(logger, exception);
                try
                {
                    await Task.Delay(retention.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
