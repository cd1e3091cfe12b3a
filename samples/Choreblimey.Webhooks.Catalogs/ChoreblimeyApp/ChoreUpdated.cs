namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>chore:updated</c>. A chore changed: its active state was toggled or its rewards edited.</summary>
public sealed record ChoreUpdated(
    string ChoreId,
    bool IsActive,
    int RewardStars,
    decimal RewardMoney,
    string Currency,
    IReadOnlyList<string> ChangedFields);
