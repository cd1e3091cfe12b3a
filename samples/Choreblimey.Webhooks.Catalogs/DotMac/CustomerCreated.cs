namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.created</c>. A customer was created.</summary>
public sealed record CustomerCreated(
    string CustomerId,
    string AccountType,
    string Status,
    DateTimeOffset CreatedAt);
