using Choreblimey.Webhooks.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Pipeline;

/// <summary>
/// The SQLite store's single writer over a phase: how much of the phase it was busy, split between running operations and
/// committing. A writer busy nearly all the time is what bounds a SQLite drain.
/// </summary>
internal sealed class WriterUsage
{
    private readonly SqliteWebhookStore _store;
    private readonly TimeSpan _operations;
    private readonly TimeSpan _commits;
    private readonly long _batches;

    private WriterUsage(SqliteWebhookStore store)
    {
        _store = store;
        _operations = store.WriterOperationTime;
        _commits = store.WriterCommitTime;
        _batches = store.CommittedBatches;
    }

    /// <summary>Starts measuring the host's store, or returns <see langword="null"/> when it is not the SQLite store.</summary>
    public static WriterUsage? Of(IHost host) =>
        host.Services.GetRequiredService<IWebhookStore>() is SqliteWebhookStore store ? new WriterUsage(store) : null;

    /// <summary>The writer's use since this was created, per delivery, for a round's line.</summary>
    public string Since(TimeSpan elapsed, int deliveries)
    {
        var operations = _store.WriterOperationTime - _operations;
        var commits = _store.WriterCommitTime - _commits;
        var batches = _store.CommittedBatches - _batches;
        return $"; writer busy {(operations + commits) / elapsed:P0} of the time: {operations.TotalMicroseconds / deliveries:0.0} µs running "
            + $"operations and {commits.TotalMicroseconds / deliveries:0.0} µs committing per delivery ({batches:N0} commits, "
            + $"{(batches == 0 ? 0 : commits.TotalMicroseconds / batches):0} µs each)";
    }
}
