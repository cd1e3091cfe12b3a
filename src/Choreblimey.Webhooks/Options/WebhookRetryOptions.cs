namespace Choreblimey.Webhooks;

/// <summary>How failed attempts are retried.</summary>
public sealed class WebhookRetryOptions
{
    /// <summary>
    /// Gets the delay before each attempt: the first entry is the delay before the first attempt (normally zero) and the
    /// number of entries is the maximum number of attempts. The default value is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    /// </summary>
    public IList<TimeSpan> Schedule { get; } = [.. WebhookConstants.DefaultRetrySchedule];

    /// <summary>Gets or sets the random spread applied to each delay, as a fraction (0.2 is ±20%). The default value is 0.2.</summary>
    public double JitterFactor { get; set; } = WebhookConstants.DefaultJitterFactor;

    /// <summary>Gets or sets whether <c>Retry-After</c> on 429 and 503 responses is honoured. The default value is <see langword="true"/>.</summary>
    public bool HonorRetryAfter { get; set; } = true;

    /// <summary>Gets or sets the shortest delay a <c>Retry-After</c> may ask for. The default value is 1 second.</summary>
    public TimeSpan MinRetryAfter { get; set; } = WebhookConstants.DefaultMinRetryAfter;

    /// <summary>Gets or sets the longest delay a <c>Retry-After</c> may ask for, at most 7 days; longer values are capped. The default value is 1 hour.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = WebhookConstants.DefaultMaxRetryAfter;

    /// <summary>Replaces the schedule.</summary>
    /// <param name="delays">The delay before each attempt; the count is the maximum number of attempts.</param>
    /// <returns>These options.</returns>
    public WebhookRetryOptions UseSchedule(params TimeSpan[] delays)
    {
        ArgumentNullException.ThrowIfNull(delays);
        Schedule.Clear();
        foreach (var delay in delays)
        {
            Schedule.Add(delay);
        }

        return this;
    }
}
