namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>invoice.created</c>. An invoice was created.</summary>
public sealed record InvoiceCreated(
    string InvoiceId,
    string CustomerId,
    string? SubscriptionId,
    decimal Amount,
    string Currency,
    DateTimeOffset DueAt);
