namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>item-created</c>. A new item was added.</summary>
public sealed record ItemCreated(
    string ItemId,
    string Sku,
    string LocationId,
    string CategoryId,
    int Quantity,
    int MinQuantity);
