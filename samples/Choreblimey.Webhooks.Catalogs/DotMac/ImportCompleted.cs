namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>import.completed</c>. A data import finished.</summary>
public sealed record ImportCompleted(
    string ImportJobId,
    string Source,
    int RecordsImported,
    int RecordsFailed,
    DateTimeOffset CompletedAt);
