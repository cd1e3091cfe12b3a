using Choreblimey.Webhooks.Catalogs.FourAs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>4AS Tutor Booking's 20 webhook events, each with its typed payload.</summary>
public static class FourAsCatalog
{
    /// <summary>The host's name, used as the contract's title.</summary>
    public const string Title = "4AS Tutor Booking";

    /// <summary>Declares 4AS Tutor Booking's 20 events.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddFourAsCatalog(this IWebhooksBuilder builder) =>
        builder
            .AddEvent<Signup>("signup", "Accounts", "An account was created (guest checkout or by an admin).")
            .AddEvent<BookingCreated>("booking.created", "Bookings", "A paid order created appointments (after Stripe payment success).")
            .AddEvent<BookingCancelled>("booking.cancelled", "Bookings", "An appointment was cancelled by a student, tutor or admin.")
            .AddEvent<BookingRescheduled>("booking.rescheduled", "Bookings", "An appointment was moved to a new time.")
            .AddEvent<AppointmentCompleted>("appointment.completed", "Bookings", "An appointment was completed (automatically or by an admin).")
            .AddEvent<OrderRefunded>("order.refunded", "Orders", "An order was refunded.")
            .AddEvent<MessageSent>("message.sent", "Messaging", "A student and tutor exchanged a message.")
            .AddEvent<RatingCreated>("rating.created", "Ratings", "A student rated a tutor.")
            .AddEvent<RatingUpdated>("rating.updated", "Ratings", "A student changed a rating.")
            .AddEvent<TicketCreated>("ticket.created", "Support", "A student opened a support ticket.")
            .AddEvent<TicketStatusChanged>("ticket.status_changed", "Support", "An admin changed a ticket's status.")
            .AddEvent<TicketMessageAdded>("ticket.message_added", "Support", "A message was added to a ticket.")
            .AddEvent<CourseCreated>("course.created", "Admin", "An admin created a course.")
            .AddEvent<CourseUpdated>("course.updated", "Admin", "An admin updated a course.")
            .AddEvent<CourseDeleted>("course.deleted", "Admin", "An admin deleted a course.")
            .AddEvent<TutorCreated>("tutor.created", "Admin", "An admin created a tutor account.")
            .AddEvent<TutorUpdated>("tutor.updated", "Admin", "An admin updated a tutor profile.")
            .AddEvent<TutorRateUpdated>("tutor.rate.updated", "Admin", "A tutor's hourly rate changed.")
            .AddEvent<TutorAvailabilityUpdated>("tutor.availability.updated", "Admin", "A tutor changed availability rules, exceptions or time off.")
            .AddEvent<ErrorOccurred>("error.occurred", "Errors", "An application error occurred (for admin notification; retained 90 days).");
}
