namespace Choreblimey.Webhooks;

/// <summary>The names to subscribe to the library's traces and metrics by.</summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(tracing => tracing.AddSource(WebhookDiagnostics.ActivitySourceName))
///     .WithMetrics(metrics => metrics.AddMeter(WebhookDiagnostics.MeterName));
/// </code>
/// </example>
public static class WebhookDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> with a span per publish and per delivery attempt.</summary>
    public const string ActivitySourceName = "Choreblimey.Webhooks";

    /// <summary>The name of the meter (created through the host's <c>IMeterFactory</c>) with the library's counters and histograms.</summary>
    public const string MeterName = "Choreblimey.Webhooks";
}
