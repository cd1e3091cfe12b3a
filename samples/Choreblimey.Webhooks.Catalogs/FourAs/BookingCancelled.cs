namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>booking.cancelled</c>. An appointment was cancelled by a student, tutor or admin.</summary>
public sealed record BookingCancelled(
    string AppointmentId,
    string OrderId,
    string CancelledBy,
    string? Reason,
    DateTimeOffset OriginalStartAt,
    int OriginalDurationMinutes,
    RefundInfo Refund);
