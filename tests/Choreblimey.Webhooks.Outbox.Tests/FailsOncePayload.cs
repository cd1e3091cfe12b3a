namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// A webhook payload whose first serialisation throws: the webhook write fails once, as a transient failure would, after
/// EF Core has saved the rows, and succeeds when written again.
/// </summary>
public sealed class FailsOncePayload(string invoiceId)
{
    private int _reads;

    public string InvoiceId => invoiceId;

    public string Status => Interlocked.Increment(ref _reads) == 1 ? throw new SimulatedFailureException() : "created";
}
