namespace Choreblimey.Webhooks;

/// <summary>Backlog sampling for the gauges, and the thresholds of the health check (<c>AddWebhooksHealthCheck()</c>). A threshold of zero is off.</summary>
public sealed class WebhookMonitoringOptions
{
    /// <summary>Gets or sets how often the backlog gauges are refreshed from the store. The default value is 15 seconds.</summary>
    public TimeSpan BacklogSampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the age of the oldest pending delivery that makes the health check Degraded. The default value is 5 minutes.</summary>
    public TimeSpan DegradedBacklogAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the age of the oldest pending delivery that makes the health check Unhealthy. The default value is 1 hour.</summary>
    public TimeSpan UnhealthyBacklogAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the window dead letters are counted over. The default value is 1 hour.</summary>
    public TimeSpan DeadLetterWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many dead letters in the window make the health check Degraded. The default value is 1.</summary>
    public int DegradedDeadLetters { get; set; } = 1;

    /// <summary>Gets or sets how many dead letters in the window make the health check Unhealthy. The default value is 0 (off).</summary>
    public int UnhealthyDeadLetters { get; set; }

    /// <summary>
    /// Gets or sets the window this instance's failure rate is measured over: the share of its recorded attempts (outcome
    /// other than succeeded) that failed. The default value is 15 minutes.
    /// </summary>
    public TimeSpan FailureRateWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets the failure rate (0 to 1) in <see cref="FailureRateWindow"/> that makes the health check Degraded, once
    /// at least <see cref="FailureRateMinimumAttempts"/> attempts were made; it alerts on failing receivers long before
    /// their deliveries are dead-lettered. The default value is 0 (off).
    /// </summary>
    public double DegradedFailureRate { get; set; }

    /// <summary>Gets or sets the failure rate (0 to 1) that makes the health check Unhealthy. The default value is 0 (off).</summary>
    public double UnhealthyFailureRate { get; set; }

    /// <summary>Gets or sets how many attempts the window must hold before its failure rate is judged. The default value is 20.</summary>
    public int FailureRateMinimumAttempts { get; set; } = 20;
}
