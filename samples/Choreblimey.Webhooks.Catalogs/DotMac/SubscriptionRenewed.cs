namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>subscription.renewed</c>. A subscription renewed for a new period.</summary>
public sealed record SubscriptionRenewed(
    string SubscriptionId,
    string CustomerId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    string? InvoiceId);
