namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>appointment.completed</c>. An appointment was completed (automatically or by an admin).</summary>
public sealed record AppointmentCompleted(
    string AppointmentId,
    string TutorId,
    DateTimeOffset CompletedAt,
    decimal TutorEarnings,
    string Currency);
