using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// The 4AS preset, kept in tests as the brief asks: 4AS Tutor Booking's 20 events and its table of eleven Make.com
/// scenario variables, as its own audit lists them (event types and fallbacks), in Make.com's envelope. A host would copy
/// this into its own code.
/// </summary>
/// <remarks>
/// <c>MAKE_SIGNUP_WEBHOOK_URL</c>, <c>MAKE_BOOKING_WEBHOOK_URL</c>, <c>MAKE_CANCELLATION_WEBHOOK_URL</c> and
/// <c>MAKE_MESSAGE_WEBHOOK_URL</c> have no fallback: unset, their events are skipped. The seven others fall back to
/// <c>MAKE_BOOKING_WEBHOOK_URL</c>, and are skipped only when it is unset too. Routes that end at one URL share its rate
/// limit and concurrency cap.
/// </remarks>
internal static class FourAsPreset
{
    private const string Booking = "MAKE_BOOKING_WEBHOOK_URL";

    public static IWebhooksBuilder AddFourAsDestinations(this IWebhooksBuilder webhooks, IConfiguration configuration) =>
        webhooks.MapDestinations(configuration, map =>
        {
            map.Envelope = WebhookEnvelopeFormats.Make;

            // Required: no fallback.
            map.Route("signup", "MAKE_SIGNUP_WEBHOOK_URL")
                .Route("booking.created", Booking)
                .Route("booking.cancelled", "MAKE_CANCELLATION_WEBHOOK_URL")
                .Route("message.sent", "MAKE_MESSAGE_WEBHOOK_URL");

            // Optional: the booking scenario takes them when their own is unset.
            map.Route("booking.rescheduled", "MAKE_RESCHEDULE_WEBHOOK_URL", fallback: Booking)
                .Route("appointment.completed", "MAKE_COMPLETION_WEBHOOK_URL", fallback: Booking)
                .Route("order.refunded", "MAKE_REFUND_WEBHOOK_URL", fallback: Booking)
                .Route("rating.created", "MAKE_RATING_WEBHOOK_URL", fallback: Booking)
                .Route("rating.updated", "MAKE_RATING_WEBHOOK_URL", fallback: Booking)
                .Route("ticket.created", "MAKE_TICKET_WEBHOOK_URL", fallback: Booking)
                .Route("ticket.status_changed", "MAKE_TICKET_WEBHOOK_URL", fallback: Booking)
                .Route("ticket.message_added", "MAKE_TICKET_WEBHOOK_URL", fallback: Booking)
                .Route("course.*", "MAKE_ADMIN_WEBHOOK_URL", fallback: Booking)
                .Route("tutor.*", "MAKE_ADMIN_WEBHOOK_URL", fallback: Booking)
                .Route("error.occurred", "MAKE_ERROR_WEBHOOK_URL", fallback: Booking);
        });

    public static IWebhooksBuilder AddFourAsEvents(this IWebhooksBuilder webhooks) =>
        webhooks.AddEvent("signup", "Accounts")
            .AddEvent("booking.created", "Bookings")
            .AddEvent("booking.cancelled", "Bookings")
            .AddEvent("booking.rescheduled", "Bookings")
            .AddEvent("appointment.completed", "Bookings")
            .AddEvent("order.refunded", "Orders")
            .AddEvent("message.sent", "Messaging")
            .AddEvent("rating.created", "Ratings")
            .AddEvent("rating.updated", "Ratings")
            .AddEvent("ticket.created", "Support")
            .AddEvent("ticket.status_changed", "Support")
            .AddEvent("ticket.message_added", "Support")
            .AddEvent("course.created", "Admin")
            .AddEvent("course.updated", "Admin")
            .AddEvent("course.deleted", "Admin")
            .AddEvent("tutor.created", "Admin")
            .AddEvent("tutor.updated", "Admin")
            .AddEvent("tutor.rate.updated", "Admin")
            .AddEvent("tutor.availability.updated", "Admin")
            .AddEvent("error.occurred", "Errors");
}
