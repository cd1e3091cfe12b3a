namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>transfer-approval-needed</c>. A transfer was requested and awaits approval.</summary>
public sealed record TransferApprovalNeeded(
    string TransferId,
    string ItemId,
    string FromLocationId,
    string ToLocationId,
    int Quantity,
    string RequestedBy);
