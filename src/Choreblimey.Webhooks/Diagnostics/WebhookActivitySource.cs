using System.Diagnostics;
using System.Reflection;

namespace Choreblimey.Webhooks.Diagnostics;

/// <summary>The library's tracing source: a span per publish and per delivery attempt.</summary>
internal static class WebhookActivitySource
{
    // ActivitySource is the one sanctioned process-wide instrument: listeners subscribe by name. Its version is the
    // package's, so a trace says which release wrote it.
    public static readonly ActivitySource Instance = new(WebhookDiagnostics.ActivitySourceName, Version);

    /// <summary>Gets the package's version without its build metadata (<c>0.1.0-preview</c>, not <c>0.1.0-preview+sha</c>).</summary>
    public static string? Version => typeof(WebhookActivitySource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
}
