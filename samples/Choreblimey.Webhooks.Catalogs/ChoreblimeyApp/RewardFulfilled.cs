namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>reward:fulfilled</c>. A redeemed reward was fulfilled.</summary>
public sealed record RewardFulfilled(
    string RedemptionId,
    string GiftId,
    string ChildId,
    string FulfillmentStatus,
    DateTimeOffset FulfilledAt,
    string? Method,
    string? ProviderReference);
