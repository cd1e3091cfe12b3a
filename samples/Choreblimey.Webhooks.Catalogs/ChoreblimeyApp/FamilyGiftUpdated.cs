namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family-gift:updated</c>. A family reward changed (active flag, inventory, cost).</summary>
public sealed record FamilyGiftUpdated(
    string GiftId,
    bool IsActive,
    int? Inventory,
    int CostStars,
    IReadOnlyList<string> ChangedFields);
