namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>chore:created</c>. A parent created a chore.</summary>
public sealed record ChoreCreated(
    string ChoreId,
    string Title,
    string Frequency,
    int RewardStars,
    decimal RewardMoney,
    string Currency,
    bool IsActive);
