using System.Threading.Channels;
using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// Group commit. Callers queue their write (a fenced attempt record or lease release, or a publish); one flusher takes
/// everything queued (up to <see cref="MaxBatchSize"/>) and sends it in one round trip and one implicit transaction, with
/// one <c>NOTIFY</c> when any write made a delivery due. While a batch is in flight the next one fills, so batches grow with
/// load and a lone write waits for nothing but its own round trip. Fewer, larger transactions also mean fewer commits
/// serialised on PostgreSQL's notification lock.
/// </summary>
/// <remarks>
/// <para>
/// A batch of several writes goes as one combined statement (array parameters, one parse and plan on the server instead of
/// one per write) that returns the <see cref="PostgreSqlBatchedWrite.ResultKey"/> of every write that applied. When the
/// combiner declines (two writes of the batch share a key, whose queue order a single statement could not keep), the writes
/// go as one statement each in one <see cref="NpgsqlBatch"/>, each keeping its own result.
/// </para>
/// <para>
/// A server error (severity <c>ERROR</c>) rolls the whole batch back, so nothing of it was written; its writes then run one
/// by one, and each caller gets its own result or error. Any other failure (the connection broke, or the server ended the
/// session with a <c>FATAL</c> or <c>PANIC</c> error) leaves the outcome unknown, as it would for a single write, and is
/// handed to every caller of the batch rather than retried; the flusher then drops its connection and the next batch
/// takes a new one.
/// </para>
/// </remarks>
internal sealed class PostgreSqlWriteBatcher : IAsyncDisposable
{
    /// <summary>The most writes sent in one batch.</summary>
    internal const int MaxBatchSize = 64;

    private readonly Channel<PostgreSqlBatchedWrite> _queue =
        Channel.CreateUnbounded<PostgreSqlBatchedWrite>(new UnboundedChannelOptions { SingleReader = true });

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<NpgsqlBatchCommand>? _createNotify;
    private readonly Func<IReadOnlyList<PostgreSqlBatchedWrite>, NpgsqlBatchCommand?> _combine;
    private readonly bool _prepare;
    private readonly Task _loop;
    private NpgsqlConnection? _connection;
    private long _batches;
    private long _connectionsOpened;
    private long _combinedBatches;

    /// <summary>Creates the batcher and starts its flusher, which waits for the first write.</summary>
    /// <param name="dataSource">Where batches get their connection.</param>
    /// <param name="createNotify">Makes the <c>NOTIFY</c> statement; <see langword="null"/> when notifications are off.</param>
    /// <param name="combine">
    /// Makes one statement that applies all the given writes (in the batch's order) and returns one row per applied write,
    /// its <see cref="PostgreSqlBatchedWrite.ResultKey"/> in the first column; or returns <see langword="null"/> when the
    /// writes cannot be combined.
    /// </param>
    /// <param name="prepare">Whether batches are prepared on the server (<see cref="PostgreSqlWebhookStoreOptions.PrepareStatements"/>).</param>
    public PostgreSqlWriteBatcher(
        NpgsqlDataSource dataSource,
        Func<NpgsqlBatchCommand>? createNotify,
        Func<IReadOnlyList<PostgreSqlBatchedWrite>, NpgsqlBatchCommand?> combine,
        bool prepare)
    {
        _dataSource = dataSource;
        _createNotify = createNotify;
        _combine = combine;
        _prepare = prepare;
        _loop = System.Threading.Tasks.Task.Run(RunAsync);
    }

    /// <summary>Gets how many batches have been sent (for tests and diagnostics).</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Gets how many connections the flusher has taken from the pool (for tests and diagnostics).</summary>
    internal long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    /// <summary>Gets whether the flusher holds a connection now (for tests and diagnostics).</summary>
    internal bool HoldsConnection => Volatile.Read(ref _connection) is not null;

    /// <summary>Gets how many of the batches went as one combined statement (for tests and diagnostics).</summary>
    internal long CombinedBatches => Interlocked.Read(ref _combinedBatches);

    /// <summary>Queues a write and waits for its answer.</summary>
    /// <param name="write">The write.</param>
    /// <param name="cancellationToken">Cancels the write while it is still queued; once sent, the caller waits for its batch.</param>
    /// <returns>
    /// Whether the statement affected a row. A cancelled token and a disposed store (<see cref="ObjectDisposedException"/>)
    /// are reported through the task, never thrown from the call, so the store can hand the task straight to its caller.
    /// </returns>
    public Task<bool> EnqueueAsync(PostgreSqlBatchedWrite write, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        // Register before the flusher can see the write, so it never races the registration.
        write.CancelWith(cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            write.Fail(new ObjectDisposedException(nameof(PostgreSqlWebhookStore)));
        }

        return write.Task;
    }

    /// <summary>Stops taking writes, sends the ones already queued, and waits for the flusher to finish.</summary>
    /// <returns>A task that completes when every queued write has its answer.</returns>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PostgreSqlBatchedWrite>(MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatchSize && reader.TryRead(out var write))
            {
                if (write.TryTake())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await FlushAsync(batch).ConfigureAwait(false);
            }

            if (!reader.TryPeek(out _))
            {
                await ReleaseConnectionAsync().ConfigureAwait(false);
            }
        }

        await ReleaseConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Gets the connection batches run on. While batches follow one another (writes queued during a flush), the flusher
    /// keeps one connection instead of returning it to the pool after each: Npgsql's pool hands out its idle connections in
    /// turn, so a pool that once grew would otherwise spread the hot path over every server process it holds (each with
    /// cold caches) and reset the session (<c>DISCARD ALL</c>) after every batch.
    /// </summary>
    private async ValueTask<NpgsqlConnection> GetConnectionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open } held)
        {
            return held;
        }

        await ReleaseConnectionAsync().ConfigureAwait(false);
        _connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _connectionsOpened);
        return _connection;
    }

    /// <summary>Returns the held connection to the pool: the queue ran dry, the connection failed, or the batcher stops.</summary>
    private async ValueTask ReleaseConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing a failed connection must not stop the flusher; every write is already answered.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private async Task FlushAsync(List<PostgreSqlBatchedWrite> batch)
    {
        // Batches take row locks in one order, so two instances' batches cannot deadlock each other. The sort is stable: two
        // writes to one delivery keep their queue order.
        var writes = batch.Count == 1 ? [batch[0]] : batch.OrderBy(static w => w.OrderKey, StringComparer.Ordinal).ToArray();
        try
        {
            var applied = await ExecuteAsync(writes).ConfigureAwait(false);
            for (var i = 0; i < writes.Length; i++)
            {
                writes[i].Complete(applied[i]);
            }
        }
        catch (PostgresException ex) when (writes.Length > 1 && IsRolledBackBatchError(ex))
        {
            // The server rolled the batch back: nothing was written. One bad write must not fail the others.
            foreach (var write in writes)
            {
                await ExecuteAloneAsync(write).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The flusher must survive anything; the callers receive the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var write in writes)
            {
                write.Fail(ex);
            }
        }
    }

    /// <summary>
    /// Gets whether <paramref name="exception"/> means the server rolled the batch back and the session goes on, so that
    /// running its writes again cannot apply one twice.
    /// </summary>
    /// <param name="exception">The server's error.</param>
    /// <returns><see langword="true"/> for severity <c>ERROR</c>.</returns>
    /// <remarks>
    /// A <c>FATAL</c> or <c>PANIC</c> error ends the session (the backend was terminated, the server shuts down or
    /// crashed), and may come after the batch's commit went through: its outcome is unknown. The severity is the invariant
    /// one, since <see cref="PostgresException.Severity"/> is in the server's language.
    /// </remarks>
    internal static bool IsRolledBackBatchError(PostgresException exception) =>
        string.Equals(exception.InvariantSeverity, "ERROR", StringComparison.Ordinal);

    private async Task ExecuteAloneAsync(PostgreSqlBatchedWrite write)
    {
        try
        {
            var applied = await ExecuteAsync([write]).ConfigureAwait(false);
            write.Complete(applied[0]);
        }
#pragma warning disable CA1031 // This write's failure belongs to its caller only.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            write.Fail(ex);
        }
    }

    /// <summary>Sends the writes (and one <c>NOTIFY</c> if any wakes workers) in one round trip; returns which applied.</summary>
    private async Task<bool[]> ExecuteAsync(PostgreSqlBatchedWrite[] writes)
    {
        // A batch shared by many callers is never cancelled by one of them.
        var batch = new NpgsqlBatch();
        await using (batch.ConfigureAwait(false))
        {
            var combined = writes.Length > 1 ? _combine(writes) : null;
            NpgsqlBatchCommand[]? commands = null;
            if (combined is not null)
            {
                batch.BatchCommands.Add(combined);
            }
            else
            {
                commands = new NpgsqlBatchCommand[writes.Length];
                for (var i = 0; i < writes.Length; i++)
                {
                    commands[i] = writes[i].CreateCommand();
                    batch.BatchCommands.Add(commands[i]);
                }
            }

            if (_createNotify is not null && writes.Any(static w => w.WakesWorkers))
            {
                batch.BatchCommands.Add(_createNotify());
            }

            var applied = new bool[writes.Length];
            var connection = await GetConnectionAsync().ConfigureAwait(false);
            try
            {
                batch.Connection = connection;
                if (_prepare)
                {
                    // A no-op after the first time on a connection: Npgsql keeps what it prepared per physical connection.
                    await batch.PrepareAsync(CancellationToken.None).ConfigureAwait(false);
                }

                if (commands is not null)
                {
                    await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    for (var i = 0; i < writes.Length; i++)
                    {
                        applied[i] = commands[i].RecordsAffected > 0;
                    }
                }
                else
                {
                    var appliedKeys = await ReadKeysAsync(batch).ConfigureAwait(false);
                    for (var i = 0; i < writes.Length; i++)
                    {
                        applied[i] = appliedKeys.Contains(writes[i].ResultKey);
                    }

                    Interlocked.Increment(ref _combinedBatches);
                }
            }
            catch (PostgresException ex) when (_prepare && PostgreSqlPreparedStatements.IsLost(ex))
            {
                await ReleaseConnectionAsync().ConfigureAwait(false);
                throw PostgreSqlPreparedStatements.LostError(ex);
            }
            catch (Exception ex) when (ex is not PostgresException postgres || !IsRolledBackBatchError(postgres))
            {
                // The connection may be broken, or mid-protocol: the next batch starts on a fresh one.
                await ReleaseConnectionAsync().ConfigureAwait(false);
                throw;
            }

            Interlocked.Increment(ref _batches);
            return applied;
        }
    }

    /// <summary>Runs a batch led by a combined statement and returns the keys it returned.</summary>
    private static async Task<HashSet<string>> ReadKeysAsync(NpgsqlBatch batch)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                keys.Add(reader.GetString(0));
            }

            // The statements after the combined one (the NOTIFY) must run to the end, so their errors surface here.
            while (await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
            {
            }
        }

        return keys;
    }
}
