namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>export.completed</c>. A data export finished.</summary>
public sealed record ExportCompleted(
    string ExportJobId,
    string Format,
    int RecordCount,
    string? FileId);
