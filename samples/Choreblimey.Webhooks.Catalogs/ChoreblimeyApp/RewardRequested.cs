namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>reward:requested</c>. A child redeemed a reward.</summary>
public sealed record RewardRequested(
    string RedemptionId,
    string GiftId,
    string ChildId,
    int CostStars,
    string FulfillmentStatus);
