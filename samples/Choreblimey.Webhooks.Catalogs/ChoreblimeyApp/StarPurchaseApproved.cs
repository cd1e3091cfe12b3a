namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>stars:purchase-approved</c>. A parent approved a star purchase.</summary>
public sealed record StarPurchaseApproved(
    string PurchaseId,
    string ChildId,
    int Stars,
    decimal MoneyCost,
    string Currency,
    decimal StarsPerUnit,
    WalletDelta Wallet);
