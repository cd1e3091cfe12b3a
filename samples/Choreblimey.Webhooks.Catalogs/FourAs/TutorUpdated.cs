namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>tutor.updated</c>. An admin updated a tutor profile.</summary>
public sealed record TutorUpdated(
    string TutorId,
    IReadOnlyList<string> ChangedFields);
