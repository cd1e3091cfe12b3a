namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family:invite-created</c>. An adult or child was invited to the family.</summary>
public sealed record FamilyInviteCreated(
    string InviteId,
    string Role,
    DateTimeOffset ExpiresAt);
