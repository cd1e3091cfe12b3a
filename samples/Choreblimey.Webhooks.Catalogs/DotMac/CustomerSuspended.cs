namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.suspended</c>. A customer was suspended.</summary>
public sealed record CustomerSuspended(
    string CustomerId,
    string? Reason,
    DateTimeOffset SuspendedAt);
