namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>bulk_email.failed</c>. A bulk email campaign failed.</summary>
public sealed record BulkEmailFailed(
    string CampaignId,
    string Error,
    int Sent);
