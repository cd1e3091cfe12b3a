namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>invoice.payment_failed</c>. A payment of an invoice failed.</summary>
public sealed record InvoicePaymentFailed(
    string InvoiceId,
    string CustomerId,
    string? PaymentId,
    decimal Amount,
    string Currency,
    string? FailureCode);
