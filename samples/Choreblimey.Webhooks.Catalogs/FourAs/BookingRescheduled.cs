namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>booking.rescheduled</c>. An appointment was moved to a new time.</summary>
public sealed record BookingRescheduled(
    string AppointmentId,
    DateTimeOffset OldStartAt,
    DateTimeOffset OldEndAt,
    DateTimeOffset NewStartAt,
    DateTimeOffset NewEndAt,
    string RescheduledBy,
    string? Reason);
