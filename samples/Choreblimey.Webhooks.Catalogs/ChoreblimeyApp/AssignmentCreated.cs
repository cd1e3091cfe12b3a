namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>assignment:created</c>. A chore was assigned to a child.</summary>
public sealed record AssignmentCreated(
    string AssignmentId,
    string ChoreId,
    string ChildId,
    bool IsBidding,
    DateTimeOffset? DueAt);
