namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>report.generated</c>. A report was generated.</summary>
public sealed record ReportGenerated(
    string ReportId,
    string ReportType,
    string? FileId,
    DateTimeOffset GeneratedAt);
