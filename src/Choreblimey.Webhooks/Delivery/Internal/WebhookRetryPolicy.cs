using System.Globalization;
using System.Net.Http.Headers;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>Decides when a failed delivery is tried again, from the schedule, its jitter and <c>Retry-After</c>.</summary>
internal sealed class WebhookRetryPolicy(Func<double> nextUnitRandom)
{
    public WebhookRetryPolicy()
        : this(Random.Shared.NextDouble)
    {
    }

    /// <summary>Gets how many attempts a delivery gets in all.</summary>
    public static int GetMaxAttempts(WebhookSubscription subscription, WebhookRetryOptions retry) =>
        subscription.MaxAttempts ?? (subscription.RetrySchedule ?? (IReadOnlyList<TimeSpan>)retry.Schedule).Count;

    /// <summary>
    /// Gets the delay before attempt number <paramref name="nextAttemptNumber"/> (1-based), with jitter. Past the end of the
    /// schedule the last delay repeats (a subscription may allow more attempts than the schedule lists).
    /// </summary>
    public TimeSpan GetDelay(int nextAttemptNumber, IReadOnlyList<TimeSpan> schedule, double jitterFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextAttemptNumber, 1);
        if (schedule.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var baseDelay = schedule[Math.Min(nextAttemptNumber - 1, schedule.Count - 1)];
        if (baseDelay <= TimeSpan.Zero || jitterFactor <= 0)
        {
            return baseDelay;
        }

        var factor = 1 + ((nextUnitRandom() * 2) - 1) * jitterFactor;
        return TimeSpan.FromTicks((long)(baseDelay.Ticks * factor));
    }

    /// <summary>
    /// Reads <c>Retry-After</c> (seconds or an HTTP date) from a 429 or 503 response and clamps it to the configured bounds.
    /// </summary>
    /// <returns>The delay, or <see langword="null"/> when the response does not ask for one.</returns>
    public static TimeSpan? GetRetryAfter(int statusCode, RetryConditionHeaderValue? header, DateTimeOffset now, WebhookRetryOptions retry)
    {
        if (!retry.HonorRetryAfter || statusCode is not (429 or 503) || header is null)
        {
            return null;
        }

        TimeSpan? requested = header.Delta ?? (header.Date is { } date ? date - now : null);
        if (requested is null)
        {
            return null;
        }

        var value = requested.Value;
        if (value < retry.MinRetryAfter)
        {
            value = retry.MinRetryAfter;
        }

        return value > retry.MaxRetryAfter ? retry.MaxRetryAfter : value;
    }

    /// <summary>Parses a raw <c>Retry-After</c> value, for callers that hold it as text.</summary>
    public static RetryConditionHeaderValue? ParseRetryAfter(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue)));
        }

        return RetryConditionHeaderValue.TryParse(value, out var parsed) ? parsed : null;
    }
}
