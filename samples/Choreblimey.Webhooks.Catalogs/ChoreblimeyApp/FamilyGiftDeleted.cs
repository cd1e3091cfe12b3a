namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family-gift:deleted</c>. A family reward was deleted.</summary>
public sealed record FamilyGiftDeleted(
    string GiftId);
