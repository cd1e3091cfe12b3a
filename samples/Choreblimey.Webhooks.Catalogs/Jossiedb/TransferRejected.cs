namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>transfer-rejected</c>. A transfer was rejected.</summary>
public sealed record TransferRejected(
    string TransferId,
    string ItemId,
    string RejectedBy,
    string? Reason);
