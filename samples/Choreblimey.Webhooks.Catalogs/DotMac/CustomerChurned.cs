namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.churned</c>. A customer churned.</summary>
public sealed record CustomerChurned(
    string CustomerId,
    DateTimeOffset ChurnedAt,
    string? Reason);
