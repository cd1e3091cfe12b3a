namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>transfer-approved</c>. A transfer was approved.</summary>
public sealed record TransferApproved(
    string TransferId,
    string ItemId,
    string FromLocationId,
    string ToLocationId,
    int Quantity,
    string ApprovedBy);
