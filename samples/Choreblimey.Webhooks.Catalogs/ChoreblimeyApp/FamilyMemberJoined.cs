namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>family:member-joined</c>. A member joined the family (accepted an invite or joined as a child).</summary>
public sealed record FamilyMemberJoined(
    string MemberId,
    string Role,
    string JoinMethod,
    string? InviteId);
