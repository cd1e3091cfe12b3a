namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>stars:purchase-requested</c>. A child asked to buy stars with money.</summary>
public sealed record StarPurchaseRequested(
    string PurchaseId,
    string ChildId,
    int Stars,
    decimal MoneyCost,
    string Currency);
