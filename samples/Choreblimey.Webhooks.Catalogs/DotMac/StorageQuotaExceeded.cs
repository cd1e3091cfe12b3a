namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>storage.quota_exceeded</c>. A tenant exceeded its storage quota.</summary>
public sealed record StorageQuotaExceeded(
    long QuotaBytes,
    long UsedBytes,
    string? Bucket);
