namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>stars:purchase-rejected</c>. A parent rejected a star purchase.</summary>
public sealed record StarPurchaseRejected(
    string PurchaseId,
    string ChildId,
    int Stars,
    string? Reason);
