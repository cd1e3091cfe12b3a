namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>completion:approved</c>. A parent approved a completion; the reward was paid into the child's wallet.</summary>
public sealed record CompletionApproved(
    string CompletionId,
    string AssignmentId,
    string ChoreId,
    string ChildId,
    int RewardStars,
    decimal RewardMoney,
    string Currency,
    WalletDelta Wallet,
    DateTimeOffset ApprovedAt);
