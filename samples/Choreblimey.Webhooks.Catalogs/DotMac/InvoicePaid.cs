namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>invoice.paid</c>. An invoice was paid.</summary>
public sealed record InvoicePaid(
    string InvoiceId,
    string CustomerId,
    string PaymentId,
    decimal Amount,
    string Currency,
    DateTimeOffset PaidAt);
