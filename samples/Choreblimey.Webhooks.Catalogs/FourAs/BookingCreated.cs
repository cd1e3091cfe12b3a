using System.Text.Json.Serialization;

namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>booking.created</c>. A paid order created appointments (after Stripe payment success).</summary>
/// <remarks>
/// The field names on the wire are 4AS's own <c>BookingCreatedPayload</c>'s (<c>order_id</c>, <c>subtotal_cad</c>, ...), to
/// which its Make.com scenarios are mapped; the event's type travels in the envelope's <c>type</c>.
/// </remarks>
/// <param name="OrderId">The paid order.</param>
/// <param name="UserId">The student who paid.</param>
/// <param name="Currency">The order's currency, such as <c>CAD</c>.</param>
/// <param name="SubtotalCad">The order's amount before the discount, in Canadian dollars.</param>
/// <param name="DiscountCad">The discount, in Canadian dollars.</param>
/// <param name="TotalCad">The amount paid, in Canadian dollars.</param>
/// <param name="Items">The appointments the order created.</param>
/// <param name="CreatedAt">When the order was paid.</param>
public sealed record BookingCreated(
    [property: JsonPropertyName("order_id")] string OrderId,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("subtotal_cad")] decimal SubtotalCad,
    [property: JsonPropertyName("discount_cad")] decimal DiscountCad,
    [property: JsonPropertyName("total_cad")] decimal TotalCad,
    [property: JsonPropertyName("items")] IReadOnlyList<BookingItem> Items,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);
