namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>import.failed</c>. A data import failed.</summary>
public sealed record ImportFailed(
    string ImportJobId,
    string Source,
    string Error,
    DateTimeOffset FailedAt);
