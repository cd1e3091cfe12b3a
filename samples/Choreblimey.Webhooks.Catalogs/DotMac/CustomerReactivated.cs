namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>customer.reactivated</c>. A suspended customer was reactivated.</summary>
public sealed record CustomerReactivated(
    string CustomerId,
    DateTimeOffset ReactivatedAt);
