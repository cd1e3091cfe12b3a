namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>bulk_email.completed</c>. A bulk email campaign finished.</summary>
public sealed record BulkEmailCompleted(
    string CampaignId,
    int Sent,
    int Failed,
    DateTimeOffset CompletedAt);
