namespace Choreblimey.Webhooks;

/// <summary>
/// Builds retry schedules for <see cref="WebhookRetryOptions.UseSchedule"/> and
/// <see cref="WebhookSubscriptionRequest.RetrySchedule"/> from the two numbers hosts usually keep: how many retries, and
/// the first retry's delay (Jossiedb's per-subscription <c>maxRetries</c> and <c>retryDelay</c>).
/// </summary>
public static class WebhookRetrySchedules
{
    /// <summary>The longest single delay a schedule may hold (what subscriptions accept).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>The most retries after the first attempt: a schedule holds at most the attempt limit.</summary>
    internal const int MaxRetries = Subscriptions.Internal.WebhookSubscriptionValidator.MaxAttemptsLimit - 1;

    /// <summary>
    /// Gets a schedule of one immediate attempt and <paramref name="retries"/> retries, the first after
    /// <paramref name="firstRetryDelay"/>, each later one after twice the delay before it (capped at <see cref="MaxDelay"/>).
    /// Three retries from 5 s: now, then 5 s, 10 s and 20 s after the attempt before.
    /// </summary>
    /// <param name="retries">The retries after the first attempt, 0 to 99.</param>
    /// <param name="firstRetryDelay">The delay before the first retry, 0 to <see cref="MaxDelay"/>.</param>
    /// <returns>The delay before each attempt, the first one zero; <paramref name="retries"/> + 1 entries.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public static TimeSpan[] Exponential(int retries, TimeSpan firstRetryDelay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retries, MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRetryDelay, MaxDelay);
        var schedule = new TimeSpan[retries + 1];
        for (var retry = 1; retry <= retries; retry++)
        {
            schedule[retry] = TimeSpan.FromTicks((long)Math.Min(firstRetryDelay.Ticks * Math.Pow(2, retry - 1), MaxDelay.Ticks));
        }

        return schedule;
    }
}
