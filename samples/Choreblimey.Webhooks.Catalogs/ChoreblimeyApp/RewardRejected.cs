namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>reward:rejected</c>. A redeemed reward was rejected; its stars were refunded.</summary>
public sealed record RewardRejected(
    string RedemptionId,
    string GiftId,
    string ChildId,
    int RefundedStars,
    string? Reason);
