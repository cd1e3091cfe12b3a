using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// One queued fenced write (an attempt record or a lease release): the statement that makes it, whether it makes the
/// delivery due again (so the batch must <c>NOTIFY</c>), and the caller's pending result, which is whether the fenced
/// statement hit its delivery.
/// </summary>
internal sealed class PostgreSqlFencedWrite
{
    private readonly Func<NpgsqlBatchCommand> _createCommand;
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;

    /// <summary>Creates a write.</summary>
    /// <param name="deliveryId">The delivery the statement updates; batches take row locks in this order.</param>
    /// <param name="reschedules">Whether the delivery becomes due again, so idle workers elsewhere should be woken.</param>
    /// <param name="createCommand">
    /// Makes the statement; called once per execution (a batch and, after a server error, once more on its own). Its
    /// <see cref="NpgsqlBatchCommand.RecordsAffected"/> is above zero when the fenced write applied.
    /// </param>
    public PostgreSqlFencedWrite(string deliveryId, bool reschedules, Func<NpgsqlBatchCommand> createCommand)
    {
        DeliveryId = deliveryId;
        Reschedules = reschedules;
        _createCommand = createCommand;
    }

    /// <summary>Gets the delivery the statement updates.</summary>
    public string DeliveryId { get; }

    /// <summary>Gets whether the write makes the delivery due again.</summary>
    public bool Reschedules { get; }

    /// <summary>Gets the caller's result: whether the fenced write applied.</summary>
    public Task<bool> Task => _completion.Task;

    /// <summary>Gets whether the caller already has its answer (typically because it cancelled), so the write need not run.</summary>
    public bool IsAnswered => _completion.Task.IsCompleted;

    /// <summary>Makes a fresh statement for this write.</summary>
    /// <returns>The statement.</returns>
    public NpgsqlBatchCommand CreateCommand() => _createCommand();

    /// <summary>
    /// Answers the caller with a cancellation as soon as <paramref name="cancellationToken"/> fires. A write still queued
    /// then is skipped; one already sent may still apply, as with any cancelled database call.
    /// </summary>
    /// <param name="cancellationToken">The caller's token.</param>
    public void CancelWith(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PostgreSqlFencedWrite)state!)._completion.TrySetCanceled(token),
                this);
        }
    }

    /// <summary>Answers the caller with whether the fenced write applied.</summary>
    /// <param name="applied">Whether the statement hit its delivery.</param>
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
