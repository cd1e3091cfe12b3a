using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// One queued write for <see cref="PostgreSqlWriteBatcher"/>: the statement that makes it, whether it makes deliveries due
/// (so its batch must <c>NOTIFY</c>), and the caller's pending answer, which is whether the statement affected (or
/// returned) a row: for a fenced write, that it hit its delivery; for a publish, that the message was inserted.
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
    /// <param name="wakesWorkers">Whether the write makes a delivery due, so the batch must <c>NOTIFY</c> idle workers.</param>
    /// <param name="createCommand">
    /// Makes the statement; called once per execution (in a batch and, after a server error, once more on its own). The
    /// answer is whether its <see cref="NpgsqlBatchCommand.RecordsAffected"/> is above zero.
    /// </param>
    public PostgreSqlBatchedWrite(string orderKey, bool wakesWorkers, Func<NpgsqlBatchCommand> createCommand)
    {
        OrderKey = orderKey;
        WakesWorkers = wakesWorkers;
        _createCommand = createCommand;
    }

    /// <summary>Gets the key that orders the writes of a batch.</summary>
    public string OrderKey { get; }

    /// <summary>Gets whether the write makes a delivery due.</summary>
    public bool WakesWorkers { get; }

    /// <summary>Gets the caller's answer: whether the statement affected a row.</summary>
    public Task<bool> Task => _completion.Task;

    /// <summary>Makes a fresh statement for this write.</summary>
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
    /// <param name="affected">Whether the statement affected a row.</param>
    public void Complete(bool affected)
    {
        // Unregister (not Dispose): the flusher must never wait for a caller's cancellation callback.
        _registration.Unregister();
        _completion.TrySetResult(affected);
    }

    /// <summary>Answers the caller with the failure.</summary>
    /// <param name="exception">What went wrong.</param>
    public void Fail(Exception exception)
    {
        _registration.Unregister();
        _completion.TrySetException(exception);
    }
}
