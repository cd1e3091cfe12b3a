namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>item-checkout</c>. An item was checked out.</summary>
public sealed record ItemCheckedOut(
    string TransactionId,
    string ItemId,
    string LocationId,
    string UserId,
    int Quantity,
    DateTimeOffset? DueBackAt);
