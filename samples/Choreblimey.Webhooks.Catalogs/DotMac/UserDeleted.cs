namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>user.deleted</c>. A user was deleted.</summary>
public sealed record UserDeleted(
    string UserId,
    DateTimeOffset DeletedAt);
