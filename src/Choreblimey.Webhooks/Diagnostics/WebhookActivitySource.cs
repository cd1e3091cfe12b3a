using System.Diagnostics;

namespace Choreblimey.Webhooks.Diagnostics;

/// <summary>The library's tracing source: a span per publish and per delivery attempt.</summary>
internal static class WebhookActivitySource
{
    public const string Name = "Choreblimey.Webhooks";

    // ActivitySource is the one sanctioned process-wide instrument: listeners subscribe by name.
    public static readonly ActivitySource Instance = new(Name, "1.0.0");
}
