namespace Choreblimey.Webhooks.Catalogs.Jossiedb;

/// <summary>The payload of <c>user-logout</c>. A user logged out.</summary>
public sealed record UserLoggedOut(
    string UserId,
    string SessionId,
    DateTimeOffset At);
