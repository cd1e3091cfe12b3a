namespace Choreblimey.Webhooks;

/// <summary>How long finished deliveries, their attempts and their messages are kept before the background purge removes them.</summary>
public sealed class WebhookRetentionOptions
{
    /// <summary>Gets or sets whether the background purge runs. The default value is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how long succeeded deliveries are kept after they complete, between 0 and 36,500 days. The default value is 30 days.</summary>
    public TimeSpan SucceededTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how long dead-lettered deliveries are kept after they complete, between 0 and 36,500 days. The default value is 90 days.</summary>
    public TimeSpan FailedTtl { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Gets per event type retention replacing both TTLs (for example <c>error.occurred</c> kept 90 days), keyed by declared
    /// event types (checked at start). Messages left without deliveries are removed after the longest TTL configured.
    /// </summary>
    public IDictionary<string, TimeSpan> PerEventType { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Gets or sets how often the purge runs, between 1 second and 7 days. The default value is 1 hour.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many rows one purge statement removes at most, between 1 and 100,000. The default value is 1000.</summary>
    public int BatchSize { get; set; } = 1000;
}
