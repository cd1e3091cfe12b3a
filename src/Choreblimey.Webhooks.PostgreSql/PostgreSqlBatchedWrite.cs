using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// One queued write for <see cref="PostgreSqlWriteBatcher"/>: what it writes (for the batch's combined statement), the
/// statement that makes it on its own, whether it makes deliveries due (so its batch must <c>NOTIFY</c>), and the caller's
/// pending answer, which is whether the write applied: for a fenced write, that it hit its delivery; for a publish, that
/// the message was inserted.
/// </summary>
internal sealed class PostgreSqlBatchedWrite
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private readonly Func<NpgsqlBatchCommand> _createCommand;
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _state;

    /// <summary>Creates a write.</summary>
    /// <param name="orderKey">
    /// Orders the writes of a batch (ordinal, stable), so that batches take locks in one order: the delivery id for a fenced
    /// write, the tenant and idempotency key for a publish.
    /// </param>
    /// <param name="resultKey">
    /// The key a combined statement returns when this write applied (the delivery id, or the message id). Two writes of a
    /// batch with one key make the batch run statement by statement, in queue order.
    /// </param>
    /// <param name="wakesWorkers">Whether the write makes a delivery due, so the batch must <c>NOTIFY</c> idle workers.</param>
    /// <param name="payload">What the write writes, for the batcher's combined statement.</param>
    /// <param name="createCommand">
    /// Makes the statement that applies this write alone; called when the batch cannot be combined, and after a server
    /// error. The answer is whether its <see cref="NpgsqlBatchCommand.RecordsAffected"/> is above zero.
    /// </param>
    public PostgreSqlBatchedWrite(string orderKey, string resultKey, bool wakesWorkers, object payload, Func<NpgsqlBatchCommand> createCommand)
    {
        OrderKey = orderKey;
        ResultKey = resultKey;
        WakesWorkers = wakesWorkers;
        Payload = payload;
        _createCommand = createCommand;
    }

    /// <summary>Gets the key that orders the writes of a batch.</summary>
    public string OrderKey { get; }

    /// <summary>Gets the key a combined statement returns when this write applied.</summary>
    public string ResultKey { get; }

    /// <summary>Gets whether the write makes a delivery due.</summary>
    public bool WakesWorkers { get; }

    /// <summary>Gets what the write writes.</summary>
    public object Payload { get; }

    /// <summary>Gets the caller's answer: whether the write applied.</summary>
    public Task<bool> Task => _completion.Task;

    /// <summary>Makes a fresh statement that applies this write alone.</summary>
    /// <returns>The statement.</returns>
    public NpgsqlBatchCommand CreateCommand() => _createCommand();

    /// <summary>
    /// Answers the caller with a cancellation if <paramref name="cancellationToken"/> fires while the write is still queued;
    /// the write is then never sent. Once a batch has taken it, the caller waits for the batch, so a cancellation always
    /// means nothing was written.
    /// </summary>
    /// <param name="cancellationToken">The caller's token.</param>
    public void CancelWith(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var write = (PostgreSqlBatchedWrite)state!;
                    if (Interlocked.CompareExchange(ref write._state, Cancelled, Queued) == Queued)
                    {
                        write._completion.TrySetCanceled(token);
                    }
                },
                this);
        }
    }

    /// <summary>Claims the write for a batch; <see langword="false"/> when its caller cancelled first.</summary>
    /// <returns>Whether the write is to be sent.</returns>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>Answers the caller.</summary>
    /// <param name="applied">Whether the write applied.</param>
    public void Complete(bool applied)
    {
        // Unregister (not Dispose): the flusher must never wait for a caller's cancellation callback.
        _registration.Unregister();
        _completion.TrySetResult(applied);
    }

    /// <summary>Answers the caller with the failure.</summary>
    /// <param name="exception">What went wrong.</param>
    public void Fail(Exception exception)
    {
        _registration.Unregister();
        _completion.TrySetException(exception);
    }
}
