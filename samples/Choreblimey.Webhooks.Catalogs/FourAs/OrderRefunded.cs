namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>order.refunded</c>. An order was refunded.</summary>
public sealed record OrderRefunded(
    string OrderId,
    decimal Amount,
    string Currency,
    string? Reason,
    string StripeRefundId,
    IReadOnlyList<string> AffectedAppointmentIds);
