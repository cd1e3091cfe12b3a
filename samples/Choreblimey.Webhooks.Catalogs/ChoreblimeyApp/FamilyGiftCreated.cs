namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family-gift:created</c>. A family reward was added to the catalog.</summary>
public sealed record FamilyGiftCreated(
    string GiftId,
    string Title,
    int CostStars,
    bool IsActive,
    int? Inventory);
