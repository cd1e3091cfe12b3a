namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>payment.refunded</c>. A payment was refunded.</summary>
public sealed record PaymentRefunded(
    string PaymentId,
    string RefundId,
    string CustomerId,
    decimal Amount,
    string Currency,
    string? Reason);
