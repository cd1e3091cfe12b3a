namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>user-login</c>. A user logged in.</summary>
public sealed record UserLoggedIn(
    string UserId,
    string SessionId,
    DateTimeOffset At);
