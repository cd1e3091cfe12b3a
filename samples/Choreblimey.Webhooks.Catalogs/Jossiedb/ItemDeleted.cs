namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>item-deleted</c>. An item was removed.</summary>
public sealed record ItemDeleted(
    string ItemId,
    string LocationId,
    string CategoryId);
