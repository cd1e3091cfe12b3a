namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>streaks:settings-updated</c>. Streak settings changed.</summary>
public sealed record StreakSettingsUpdated(
    bool Enabled,
    int BonusStars,
    int GraceDays,
    IReadOnlyList<string> ChangedFields);
