using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>Degraded or Unhealthy when the oldest pending delivery is too old or too many deliveries were dead-lettered recently.</summary>
internal sealed class WebhooksHealthCheck(IWebhookStore store, TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var monitoring = options.CurrentValue.Monitoring;
        var now = timeProvider.GetUtcNow();
        WebhookBacklog backlog;
        try
        {
            backlog = await store.GetBacklogAsync(now - monitoring.DeadLetterWindow, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A store that cannot answer is the finding.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The webhook store did not answer.", exception);
        }

        var age = backlog.OldestPendingCreatedAt is { } oldest ? now - oldest : TimeSpan.Zero;
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.PendingCount,
            ["oldestPendingAgeSeconds"] = Math.Max(0, age.TotalSeconds),
            ["deadLettered"] = backlog.DeadLetteredSince,
        };
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{backlog.PendingCount} pending (oldest {age.TotalSeconds:0} s), {backlog.DeadLetteredSince} dead-lettered in the last {monitoring.DeadLetterWindow}.");
        var status = Exceeds(age, monitoring.UnhealthyBacklogAge) || Exceeds(backlog.DeadLetteredSince, monitoring.UnhealthyDeadLetters)
            ? context.Registration.FailureStatus
            : Exceeds(age, monitoring.DegradedBacklogAge) || Exceeds(backlog.DeadLetteredSince, monitoring.DegradedDeadLetters)
                ? HealthStatus.Degraded
                : HealthStatus.Healthy;
        return new HealthCheckResult(status, description, data: data);
    }

    private static bool Exceeds(TimeSpan value, TimeSpan threshold) => threshold > TimeSpan.Zero && value >= threshold;

    private static bool Exceeds(long value, int threshold) => threshold > 0 && value >= threshold;
}
