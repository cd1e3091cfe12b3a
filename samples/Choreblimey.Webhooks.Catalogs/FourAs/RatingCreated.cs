namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>rating.created</c>. A student rated a tutor.</summary>
public sealed record RatingCreated(
    string RatingId,
    string TutorId,
    string StudentId,
    int Stars,
    DateTimeOffset CreatedAt);
