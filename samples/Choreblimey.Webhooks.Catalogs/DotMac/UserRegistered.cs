namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>user.registered</c>. A user registered.</summary>
public sealed record UserRegistered(
    string UserId,
    IReadOnlyList<string> Roles,
    DateTimeOffset RegisteredAt);
