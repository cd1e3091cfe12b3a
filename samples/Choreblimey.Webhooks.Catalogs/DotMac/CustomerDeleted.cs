namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.deleted</c>. A customer was deleted.</summary>
public sealed record CustomerDeleted(
    string CustomerId,
    DateTimeOffset DeletedAt);
