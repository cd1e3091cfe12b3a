namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>file.scan_completed</c>. A file's malware scan finished.</summary>
public sealed record FileScanCompleted(
    string FileId,
    string Result,
    string? Scanner);
