using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>
/// Degraded or Unhealthy when the oldest pending delivery is too old, too many deliveries were dead-lettered recently, or too
/// many of this instance's recent attempts failed.
/// </summary>
internal sealed class WebhooksHealthCheck(IWebhookStore store, WebhookAttemptWindow attempts, TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options) : IHealthCheck
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
        var (attemptCount, failureCount) = attempts.Read();
        var failureRate = attemptCount == 0 ? 0 : (double)failureCount / attemptCount;
        var rateJudged = attemptCount >= monitoring.FailureRateMinimumAttempts;
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.PendingCount,
            ["oldestPendingAgeSeconds"] = Math.Max(0, age.TotalSeconds),
            ["deadLettered"] = backlog.DeadLetteredSince,
            ["attempts"] = attemptCount,
            ["failedAttempts"] = failureCount,
            ["failureRate"] = failureRate,
        };
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"{backlog.PendingCount} pending (oldest {age.TotalSeconds:0} s), {backlog.DeadLetteredSince} dead-lettered in the last {monitoring.DeadLetterWindow}; {failureCount} of {attemptCount} attempts failed in the last {monitoring.FailureRateWindow} on this instance.");
        var status = Exceeds(age, monitoring.UnhealthyBacklogAge) || Exceeds(backlog.DeadLetteredSince, monitoring.UnhealthyDeadLetters)
            || (rateJudged && Exceeds(failureRate, monitoring.UnhealthyFailureRate))
            ? context.Registration.FailureStatus
            : Exceeds(age, monitoring.DegradedBacklogAge) || Exceeds(backlog.DeadLetteredSince, monitoring.DegradedDeadLetters)
                || (rateJudged && Exceeds(failureRate, monitoring.DegradedFailureRate))
                ? HealthStatus.Degraded
                : HealthStatus.Healthy;
        return new HealthCheckResult(status, description, data: data);
    }

    private static bool Exceeds(double value, double threshold) => threshold > 0 && value >= threshold;

    private static bool Exceeds(TimeSpan value, TimeSpan threshold) => threshold > TimeSpan.Zero && value >= threshold;

    private static bool Exceeds(long value, int threshold) => threshold > 0 && value >= threshold;
}
