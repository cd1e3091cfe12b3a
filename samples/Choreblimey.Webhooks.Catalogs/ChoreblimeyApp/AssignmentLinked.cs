namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>assignment:linked</c>. Assignments were linked together.</summary>
public sealed record AssignmentLinked(
    string LinkId,
    IReadOnlyList<string> AssignmentIds);
