using System.Text.Json.Serialization;

namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>An appointment of a <see cref="BookingCreated"/>, with the field names of 4AS's own payload.</summary>
/// <param name="AppointmentId">The appointment.</param>
/// <param name="CourseId">Its course.</param>
/// <param name="CourseTitleFr">The course's French title.</param>
/// <param name="TutorId">Its tutor.</param>
/// <param name="TutorName">The tutor's name as shown on the tutor's public profile.</param>
/// <param name="StartDateTime">When the appointment starts.</param>
/// <param name="DurationMinutes">How long it lasts, in minutes.</param>
/// <param name="PriceCad">Its price, in Canadian dollars.</param>
public sealed record BookingItem(
    [property: JsonPropertyName("appointment_id")] string AppointmentId,
    [property: JsonPropertyName("course_id")] string CourseId,
    [property: JsonPropertyName("course_title_fr")] string CourseTitleFr,
    [property: JsonPropertyName("tutor_id")] string TutorId,
    [property: JsonPropertyName("tutor_name")] string TutorName,
    [property: JsonPropertyName("start_datetime")] DateTimeOffset StartDateTime,
    [property: JsonPropertyName("duration_min")] int DurationMinutes,
    [property: JsonPropertyName("price_cad")] decimal PriceCad);
