using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// The store's single writer. Every write is queued; the loop takes all queued operations (up to the group commit size),
/// runs them inside one transaction, commits once (one disk flush), then completes the callers. An operation that throws
/// fails alone: the batch is rolled back and run again with each operation in its own savepoint.
/// </summary>
/// <remarks>
/// With <see cref="SqliteSynchronousMode.Full"/> and <see cref="SqliteWebhookStoreOptions.FlushWorkerWrites"/> turned off,
/// a batch made only of the worker's bookkeeping (operations whose
/// <see cref="SqliteWriteOperation.FlushOnCommit"/> is off) commits with <c>synchronous=NORMAL</c>: no flush of its own.
/// The write-ahead log is appended in commit order and a later flush covers every frame before it, so such a commit becomes
/// durable with the next flushed one, and a power failure can only take the newest of them, never a flushed publish.
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<SqliteWriteOperation> _queue =
        Channel.CreateUnbounded<SqliteWriteOperation>(new UnboundedChannelOptions { SingleReader = true });

    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteStatementCache _statements = new();
    private readonly int _maxBatchSize;
    private readonly bool _deferBookkeepingFlushes;
    private readonly Task _loop;
    private long _committedBatches;
    private long _unflushedBatches;
    private long _operationTicks;
    private long _commitTicks;
    private bool? _flushing;

    /// <param name="connections">Opens the writer connection.</param>
    /// <param name="maxBatchSize">The most operations committed together.</param>
    /// <param name="deferBookkeepingFlushes">
    /// Whether batches of bookkeeping alone commit without a flush; only meaningful when the connection runs with
    /// <c>synchronous=FULL</c>.
    /// </param>
    public SqliteWriter(SqliteConnectionFactory connections, int maxBatchSize, bool deferBookkeepingFlushes)
    {
        _connections = connections;
        _maxBatchSize = maxBatchSize;
        _deferBookkeepingFlushes = deferBookkeepingFlushes;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Gets the writer connection's prepared statements. Only operations running on the writer (the work given to
    /// <see cref="EnqueueAsync{T}"/>) may use them.
    /// </summary>
    public SqliteStatementCache Statements => _statements;

    /// <summary>
    /// Gets the rowids of the deliveries this writer leased, for recording their attempts. Only operations running on the
    /// writer may use them.
    /// </summary>
    public SqliteLeasedRowIds LeasedRowIds { get; } = new();

    /// <summary>Gets how many batches have been committed (for tests and diagnostics).</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Gets how many of the committed batches were bookkeeping alone, committed without a flush of their own.</summary>
    public long UnflushedBatches => Interlocked.Read(ref _unflushedBatches);

    /// <summary>
    /// Gets how long the writer has spent running operations (their statements, inside the open transaction), for
    /// diagnostics: with <see cref="CommitTime"/>, how busy the single writer is and on what.
    /// </summary>
    public TimeSpan OperationTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _operationTicks));

    /// <summary>Gets how long the writer has spent committing (writing the log, its flush, and checkpoints that fall due).</summary>
    public TimeSpan CommitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Queues a write and waits for its batch to commit.</summary>
    /// <param name="work">The write, run on the writer connection inside the batch's transaction.</param>
    /// <param name="cancellationToken">Cancels the wait; a write already taken into a batch still runs.</param>
    /// <param name="flushOnCommit">
    /// Whether the batch that carries the write must flush the log; <see langword="false"/> only for the worker's bookkeeping.
    /// </param>
    public Task<T> EnqueueAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken, bool flushOnCommit = true)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var operation = new SqliteWriteOperation<T>(work, cancellationToken) { FlushOnCommit = flushOnCommit };
        if (!_queue.Writer.TryWrite(operation))
        {
            operation.Fail(new ObjectDisposedException(nameof(SqliteWriter)));
        }

        return operation.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<SqliteWriteOperation>(_maxBatchSize);
        SqliteConnection? connection = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maxBatchSize && reader.TryRead(out var operation))
                {
                    if (operation.TryTake())
                    {
                        batch.Add(operation);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    connection ??= _connections.OpenWriter();
                    RunBatch(connection, batch);
                }
#pragma warning disable CA1031 // The loop must survive anything a batch throws; the callers receive the exception.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    foreach (var operation in batch)
                    {
                        operation.Fail(ex);
                    }

                    _statements.Dispose();
                    connection?.Dispose();
                    connection = null;
                    _flushing = null;
                }
            }
        }
        finally
        {
            _statements.Dispose();
            connection?.Dispose();
        }
    }

    private void RunBatch(SqliteConnection connection, List<SqliteWriteOperation> batch)
    {
        if (_deferBookkeepingFlushes)
        {
            // The pragma cannot change inside a transaction, so it is set before BEGIN, and only when it differs.
            var flush = false;
            foreach (var operation in batch)
            {
                flush |= operation.FlushOnCommit;
            }

            if (_flushing != flush)
            {
                _statements.Execute(connection, flush ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
                _flushing = flush;
            }
        }

        // Operations almost never fail, so a batch first runs without savepoints (each costs two statements and copies
        // every page it touches into the statement journal). If one fails, the whole transaction is rolled back and the
        // batch runs again with a savepoint per operation, so that only the failing one fails. An operation is a function
        // of the database, so running it again after the rollback does the same as running it once.
        if (RunTogether(connection, batch) is not { } failure)
        {
            return;
        }

        if (batch.Count == 1)
        {
            batch[0].Fail(failure);
            return;
        }

        RunEachInSavepoint(connection, batch);
    }

    /// <summary>Runs and commits the batch in one transaction; on a failing operation, rolls back and returns its exception.</summary>
    private Exception? RunTogether(SqliteConnection connection, List<SqliteWriteOperation> batch)
    {
        _statements.Execute(connection, "BEGIN IMMEDIATE;");
        var started = Stopwatch.GetTimestamp();
        try
        {
            foreach (var operation in batch)
            {
                operation.Execute(connection);
            }
        }
#pragma warning disable CA1031 // Any failure sends the batch down the savepoint path, where it reaches its caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            TryRollback(connection);
            return ex;
        }

        Interlocked.Add(ref _operationTicks, Stopwatch.GetTimestamp() - started);
        Commit(connection);
        foreach (var operation in batch)
        {
            operation.Complete();
        }

        return null;
    }

    private void RunEachInSavepoint(SqliteConnection connection, List<SqliteWriteOperation> batch)
    {
        var errors = new Exception?[batch.Count];
        _statements.Execute(connection, "BEGIN IMMEDIATE;");
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                _statements.Execute(connection, "SAVEPOINT op;");
                try
                {
                    batch[i].Execute(connection);
                    _statements.Execute(connection, "RELEASE op;");
                }
#pragma warning disable CA1031 // One operation's failure belongs to its caller only.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    errors[i] = ex;
                    _statements.Execute(connection, "ROLLBACK TO op;");
                    _statements.Execute(connection, "RELEASE op;");
                }
            }
        }
        catch
        {
            TryRollback(connection);
            throw;
        }

        Interlocked.Add(ref _operationTicks, Stopwatch.GetTimestamp() - started);
        Commit(connection);
        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Complete();
            }
        }
    }

    private void Commit(SqliteConnection connection)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _statements.Execute(connection, "COMMIT;");
        }
        catch
        {
            TryRollback(connection);
            throw;
        }
        finally
        {
            Interlocked.Add(ref _commitTicks, Stopwatch.GetTimestamp() - started);
        }

        Interlocked.Increment(ref _committedBatches);
        if (_flushing == false)
        {
            Interlocked.Increment(ref _unflushedBatches);
        }
    }

    private static void TryRollback(SqliteConnection connection)
    {
        try
        {
            SqliteSql.Execute(connection, "ROLLBACK;");
        }
        catch (SqliteException)
        {
            // The transaction is already gone (SQLite rolled it back itself); nothing to undo.
        }
    }
}
