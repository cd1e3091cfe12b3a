namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>completion:created</c>. A child submitted a completion; it is pending approval.</summary>
public sealed record CompletionCreated(
    string CompletionId,
    string AssignmentId,
    string ChoreId,
    string ChildId,
    string Status,
    DateTimeOffset SubmittedAt);
