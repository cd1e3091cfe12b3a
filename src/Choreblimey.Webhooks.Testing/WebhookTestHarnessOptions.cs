namespace Choreblimey.Webhooks.Testing;

/// <summary>Options of <c>AddWebhooksTestHarness()</c>.</summary>
public sealed class WebhookTestHarnessOptions
{
    /// <summary>
    /// Gets or sets whether the host's <see cref="TimeProvider"/> is replaced by a <see cref="WebhookTestClock"/>, so retries wait
    /// for the test to advance the clock. The default value is <see langword="true"/>.
    /// </summary>
    public bool UseTestClock { get; set; } = true;

    /// <summary>Gets or sets the test clock's start time. The default value is <see cref="WebhookTestClock.DefaultStart"/>.</summary>
    public DateTimeOffset StartTime { get; set; } = WebhookTestClock.DefaultStart;

    /// <summary>
    /// Gets or sets whether deliveries go to the in-process <see cref="WebhookTestReceiver"/> instead of the network. When
    /// <see langword="false"/>, they go over real HTTP (for a loopback receiver, call <c>AllowLoopback()</c>). The default value is <see langword="true"/>.
    /// </summary>
    public bool InterceptHttp { get; set; } = true;

    /// <summary>Gets or sets how long assertions wait before they fail. The default value is 10 seconds of real time.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
