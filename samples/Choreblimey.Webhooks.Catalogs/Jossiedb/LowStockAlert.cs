namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>low-stock-alert</c>. An item's stock fell below its minimum quantity.</summary>
public sealed record LowStockAlert(
    string ItemId,
    string LocationId,
    string CategoryId,
    int Quantity,
    int MinQuantity);
