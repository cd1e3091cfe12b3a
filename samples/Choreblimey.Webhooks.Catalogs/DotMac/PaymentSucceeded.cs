namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>payment.succeeded</c>. A payment succeeded.</summary>
public sealed record PaymentSucceeded(
    string PaymentId,
    string CustomerId,
    string? InvoiceId,
    decimal Amount,
    string Currency,
    string Method);
