namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>user.login</c>. A user logged in.</summary>
public sealed record UserLogin(
    string UserId,
    string SessionId,
    string AuthMethod,
    DateTimeOffset At);
