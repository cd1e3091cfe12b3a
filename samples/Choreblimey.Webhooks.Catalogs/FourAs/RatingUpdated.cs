namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>rating.updated</c>. A student changed a rating.</summary>
public sealed record RatingUpdated(
    string RatingId,
    string TutorId,
    string StudentId,
    int Stars,
    DateTimeOffset UpdatedAt);
