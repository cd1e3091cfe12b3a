namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>export.failed</c>. A data export failed.</summary>
public sealed record ExportFailed(
    string ExportJobId,
    string Format,
    string Error);
