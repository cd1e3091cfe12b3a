using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// The 4AS preset, kept in tests as the brief asks: per-event Make.com scenario URLs with the booking URL as fallback, in
/// Make.com's envelope. A host would copy this into its own code.
/// </summary>
internal static class FourAsPreset
{
    public static IWebhooksBuilder AddFourAsDestinations(this IWebhooksBuilder webhooks, IConfiguration configuration) =>
        webhooks.MapDestinations(configuration, map =>
        {
            map.Envelope = WebhookEnvelopeFormats.Make;
            map.Route("booking.created", "MAKE_BOOKING_WEBHOOK_URL")
                .Route("booking.rescheduled", "MAKE_RESCHEDULE_WEBHOOK_URL", fallback: "MAKE_BOOKING_WEBHOOK_URL")
                .Route("booking.cancelled", "MAKE_CANCEL_WEBHOOK_URL", fallback: "MAKE_BOOKING_WEBHOOK_URL")
                .Route("payment.received", "MAKE_PAYMENT_WEBHOOK_URL");
        });

    public static IWebhooksBuilder AddFourAsEvents(this IWebhooksBuilder webhooks) =>
        webhooks.AddEvent("booking.created", "Bookings")
            .AddEvent("booking.rescheduled", "Bookings")
            .AddEvent("booking.cancelled", "Bookings")
            .AddEvent("payment.received", "Payments");
}
