namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>user.updated</c>. A user changed.</summary>
public sealed record UserUpdated(
    string UserId,
    IReadOnlyList<string> ChangedFields);
