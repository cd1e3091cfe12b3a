namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>signup</c>. An account was created (guest checkout or by an admin).</summary>
public sealed record Signup(
    string UserId,
    string Role,
    string Source,
    DateTimeOffset CreatedAt);
