namespace Choreblimey.Webhooks;

/// <summary>
/// Each subscription's circuit breaker: a subscription whose endpoint fails most of its recent attempts is rested instead of
/// hammered. It is kept per subscription (closed when the subscription is enabled, dropped when it is deleted), while the
/// concurrency cap and the rate limit are kept per destination URL.
/// </summary>
public sealed class WebhookCircuitBreakerOptions
{
    /// <summary>Gets or sets whether the breaker is used. The default value is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the failure ratio within the sampling window that opens the circuit. The default value is 0.5.</summary>
    public double FailureRatio { get; set; } = WebhookConstants.DefaultBreakerFailureRatio;

    /// <summary>Gets or sets how many attempts the window must hold before the ratio counts. The default value is 10.</summary>
    public int MinimumThroughput { get; set; } = WebhookConstants.DefaultBreakerMinimumThroughput;

    /// <summary>Gets or sets the sampling window. The default value is 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = WebhookConstants.DefaultBreakerSamplingDuration;

    /// <summary>Gets or sets how long an open circuit rests the endpoint. The default value is 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = WebhookConstants.DefaultBreakerBreakDuration;
}
