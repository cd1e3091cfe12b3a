namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family:settings-updated</c>. Family settings changed (holiday mode, budgets).</summary>
public sealed record FamilySettingsUpdated(
    bool HolidayMode,
    bool HolidayModeChanged,
    decimal? WeeklyBudget,
    bool BudgetChanged,
    string Currency,
    IReadOnlyList<string> ChangedFields);
