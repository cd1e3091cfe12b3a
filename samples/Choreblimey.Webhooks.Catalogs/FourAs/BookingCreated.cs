namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>booking.created</c>. A paid order created appointments (after Stripe payment success).</summary>
public sealed record BookingCreated(
    string OrderId,
    string UserId,
    string Currency,
    decimal Subtotal,
    decimal Discount,
    decimal Total,
    IReadOnlyList<BookingItem> Items,
    DateTimeOffset CreatedAt);
