namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>item-updated</c>. An item was modified.</summary>
public sealed record ItemUpdated(
    string ItemId,
    string LocationId,
    string CategoryId,
    int Quantity,
    int MinQuantity,
    IReadOnlyList<string> ChangedFields);
