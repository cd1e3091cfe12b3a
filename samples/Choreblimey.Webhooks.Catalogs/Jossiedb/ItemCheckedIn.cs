namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>item-checkin</c>. An item was checked back in.</summary>
public sealed record ItemCheckedIn(
    string TransactionId,
    string ItemId,
    string LocationId,
    string UserId,
    int Quantity,
    DateTimeOffset ReturnedAt);
