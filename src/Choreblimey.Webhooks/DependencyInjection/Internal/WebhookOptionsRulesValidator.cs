using System.Globalization;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>The rules of <see cref="WebhookOptions"/> that span several values or have no annotation.</summary>
internal sealed class WebhookOptionsRulesValidator : IValidateOptions<WebhookOptions>
{
    private static readonly TimeSpan MaxRetention = TimeSpan.FromDays(36_500);

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add(message);
            }
        }

        Check(options.AttemptTimeout > TimeSpan.Zero && options.AttemptTimeout <= TimeSpan.FromMinutes(5),
            Describe("WebhookOptions.AttemptTimeout", "must be more than 0 and at most 5 minutes", options.AttemptTimeout));
        // A subscription may raise its own timeout up to the subscription maximum; a lease must outlast any attempt.
        var longestAttempt = options.AttemptTimeout > Subscriptions.Internal.WebhookSubscriptionValidator.MaxTimeout
            ? options.AttemptTimeout
            : Subscriptions.Internal.WebhookSubscriptionValidator.MaxTimeout;
        Check(options.LeaseDuration > longestAttempt,
            Describe("WebhookOptions.LeaseDuration", "must be longer than the longest attempt (WebhookOptions.AttemptTimeout and the 60 s subscription timeout limit)", options.LeaseDuration));
        Check(options.PollInterval > TimeSpan.Zero && options.PollInterval <= TimeSpan.FromMinutes(5),
            Describe("WebhookOptions.PollInterval", "must be more than 0 and at most 5 minutes", options.PollInterval));
        Check(options.SubscriptionCacheDuration >= TimeSpan.Zero && options.SubscriptionCacheDuration <= TimeSpan.FromHours(1),
            Describe("WebhookOptions.SubscriptionCacheDuration", "must be between 0 and 1 hour", options.SubscriptionCacheDuration));
        Check(options.InactiveSubscriptionRecheckInterval > TimeSpan.Zero,
            Describe("WebhookOptions.InactiveSubscriptionRecheckInterval", "must be more than 0", options.InactiveSubscriptionRecheckInterval));
        Check(options.JsonSerializerOptions is not null, "WebhookOptions.JsonSerializerOptions must not be null.");
        Check(options.WorkerId is null || (options.WorkerId.Length is > 0 and <= 128),
            "WebhookOptions.WorkerId must be 1 to 128 characters when set.");

        var retry = options.Retry;
        Check(retry.Schedule.Count is > 0 and <= WebhookSubscriptionValidator.MaxAttemptsLimit,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Retry.Schedule must have 1 to {WebhookSubscriptionValidator.MaxAttemptsLimit} entries (one per attempt); it has {retry.Schedule.Count}."));
        for (var i = 0; i < retry.Schedule.Count; i++)
        {
            Check(retry.Schedule[i] >= TimeSpan.Zero && retry.Schedule[i] <= TimeSpan.FromDays(7),
                Describe(string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Retry.Schedule[{i}]"), "must be between 0 and 7 days", retry.Schedule[i]));
        }

        Check(retry.JitterFactor is >= 0 and <= 1,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Retry.JitterFactor must be between 0 and 1; it is {retry.JitterFactor}."));
        Check(retry.MinRetryAfter >= TimeSpan.Zero && retry.MinRetryAfter <= retry.MaxRetryAfter,
            Describe("WebhookOptions.Retry.MinRetryAfter", "must be at least 0 and at most WebhookOptions.Retry.MaxRetryAfter", retry.MinRetryAfter));
        // As long as the longest scheduled delay: a receiver's Retry-After cannot park a delivery for longer than a schedule can.
        Check(retry.MaxRetryAfter <= TimeSpan.FromDays(7),
            Describe("WebhookOptions.Retry.MaxRetryAfter", "must be at most 7 days", retry.MaxRetryAfter));

        var breaker = options.CircuitBreaker;
        Check(breaker.FailureRatio is > 0 and <= 1,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.CircuitBreaker.FailureRatio must be more than 0 and at most 1; it is {breaker.FailureRatio}."));
        Check(breaker.MinimumThroughput >= 2,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.CircuitBreaker.MinimumThroughput must be at least 2; it is {breaker.MinimumThroughput}."));
        Check(breaker.SamplingDuration >= TimeSpan.FromMilliseconds(500),
            Describe("WebhookOptions.CircuitBreaker.SamplingDuration", "must be at least 0.5 seconds", breaker.SamplingDuration));
        Check(breaker.BreakDuration >= TimeSpan.FromMilliseconds(500),
            Describe("WebhookOptions.CircuitBreaker.BreakDuration", "must be at least 0.5 seconds", breaker.BreakDuration));

        // A negative or huge TTL made the purge's cutoff (now - TTL) overflow or lie in the future, and an interval of 0 or
        // less made the retention service spin or throw from Task.Delay, which stops the host.
        var retention = options.Retention;
        Check(retention.Interval >= TimeSpan.FromSeconds(1) && retention.Interval <= TimeSpan.FromDays(7),
            Describe("WebhookOptions.Retention.Interval", "must be between 1 second and 7 days", retention.Interval));
        Check(retention.SucceededTtl >= TimeSpan.Zero && retention.SucceededTtl <= MaxRetention,
            Describe("WebhookOptions.Retention.SucceededTtl", "must be between 0 and 100 years (36,500 days)", retention.SucceededTtl));
        Check(retention.FailedTtl >= TimeSpan.Zero && retention.FailedTtl <= MaxRetention,
            Describe("WebhookOptions.Retention.FailedTtl", "must be between 0 and 100 years (36,500 days)", retention.FailedTtl));
        Check(retention.BatchSize is >= 1 and <= 100_000,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Retention.BatchSize must be between 1 and 100,000 rows; it is {retention.BatchSize}."));
        foreach (var (eventType, ttl) in retention.PerEventType)
        {
            Check(ttl >= TimeSpan.Zero && ttl <= MaxRetention,
                Describe($"WebhookOptions.Retention.PerEventType[{eventType}]", "must be between 0 and 100 years (36,500 days)", ttl));
        }

        // A sample interval of 0 made the backlog monitor query the store in a tight loop, and a negative one threw from
        // Task.Delay in its error path, which stops the host; a negative window made "dead letters since" lie in the future.
        var monitoring = options.Monitoring;
        Check(monitoring.BacklogSampleInterval >= TimeSpan.FromSeconds(1) && monitoring.BacklogSampleInterval <= TimeSpan.FromDays(1),
            Describe("WebhookOptions.Monitoring.BacklogSampleInterval", "must be between 1 second and 1 day", monitoring.BacklogSampleInterval));
        Check(monitoring.DeadLetterWindow > TimeSpan.Zero && monitoring.DeadLetterWindow <= MaxRetention,
            Describe("WebhookOptions.Monitoring.DeadLetterWindow", "must be more than 0 and at most 100 years (36,500 days)", monitoring.DeadLetterWindow));
        CheckThresholds(Check, "BacklogAge", monitoring.DegradedBacklogAge, monitoring.UnhealthyBacklogAge);
        CheckThresholds(Check, "DeadLetters", monitoring.DegradedDeadLetters, monitoring.UnhealthyDeadLetters);
        Check(monitoring.FailureRateWindow >= TimeSpan.FromSeconds(1) && monitoring.FailureRateWindow <= TimeSpan.FromDays(1),
            Describe("WebhookOptions.Monitoring.FailureRateWindow", "must be between 1 second and 1 day", monitoring.FailureRateWindow));
        Check(monitoring.FailureRateMinimumAttempts >= 1,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Monitoring.FailureRateMinimumAttempts must be at least 1; it is {monitoring.FailureRateMinimumAttempts}."));
        CheckRates(Check, monitoring.DegradedFailureRate, monitoring.UnhealthyFailureRate);

        var health = options.Health;
        Check(health.DisableAfterConsecutiveFailures >= 0,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Health.DisableAfterConsecutiveFailures must be at least 0 (0 turns automatic disabling off); it is {health.DisableAfterConsecutiveFailures}."));
        Check(health.DisableAfterFailingFor >= TimeSpan.Zero && health.DisableAfterFailingFor <= MaxRetention,
            Describe("WebhookOptions.Health.DisableAfterFailingFor", "must be between 0 and 100 years (36,500 days)", health.DisableAfterFailingFor));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// A health threshold pair: each 0 (off) or more. Their order is not enforced: a Degraded threshold past the Unhealthy
    /// one only means the check goes straight to Unhealthy.
    /// </summary>
    private static void CheckThresholds(Action<bool, string> check, string name, TimeSpan degraded, TimeSpan unhealthy)
    {
        check(degraded >= TimeSpan.Zero && degraded <= MaxRetention,
            Describe($"WebhookOptions.Monitoring.Degraded{name}", "must be between 0 (off) and 100 years (36,500 days)", degraded));
        check(unhealthy >= TimeSpan.Zero && unhealthy <= MaxRetention,
            Describe($"WebhookOptions.Monitoring.Unhealthy{name}", "must be between 0 (off) and 100 years (36,500 days)", unhealthy));
    }

    /// <summary>The failure-rate thresholds: each 0 (off) to 1.</summary>
    private static void CheckRates(Action<bool, string> check, double degraded, double unhealthy)
    {
        check(degraded is >= 0 and <= 1,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Monitoring.DegradedFailureRate must be between 0 (off) and 1; it is {degraded}."));
        check(unhealthy is >= 0 and <= 1,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Monitoring.UnhealthyFailureRate must be between 0 (off) and 1; it is {unhealthy}."));
    }

    /// <inheritdoc cref="CheckThresholds(Action{bool, string}, string, TimeSpan, TimeSpan)"/>
    private static void CheckThresholds(Action<bool, string> check, string name, int degraded, int unhealthy)
    {
        check(degraded >= 0,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Monitoring.Degraded{name} must be at least 0 (0 is off); it is {degraded}."));
        check(unhealthy >= 0,
            string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Monitoring.Unhealthy{name} must be at least 0 (0 is off); it is {unhealthy}."));
    }

    private static string Describe(string option, string rule, TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture, $"{option} {rule}; it is {value}.");
}
