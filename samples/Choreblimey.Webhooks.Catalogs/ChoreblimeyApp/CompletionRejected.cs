namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>completion:rejected</c>. A parent rejected a completion.</summary>
public sealed record CompletionRejected(
    string CompletionId,
    string AssignmentId,
    string ChoreId,
    string ChildId,
    int RewardStars,
    decimal RewardMoney,
    string Currency,
    string? Reason);
