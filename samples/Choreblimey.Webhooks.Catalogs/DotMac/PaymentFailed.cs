namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>payment.failed</c>. A payment failed.</summary>
public sealed record PaymentFailed(
    string PaymentId,
    string CustomerId,
    string? InvoiceId,
    decimal Amount,
    string Currency,
    string? FailureCode);
