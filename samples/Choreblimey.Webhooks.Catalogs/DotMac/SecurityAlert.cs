namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>security.alert</c>. Suspicious activity was detected.</summary>
public sealed record SecurityAlert(
    string AlertId,
    string Severity,
    string ActivityType,
    string? UserId,
    DateTimeOffset DetectedAt);
