namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>Part of a 4AS Tutor Booking payload.</summary>
public sealed record BookingItem(
    string AppointmentId,
    string CourseId,
    string TutorId,
    DateTimeOffset StartAt,
    int DurationMinutes,
    decimal Price);
