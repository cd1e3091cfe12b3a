using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>A queued write: runs inside the writer's batch transaction and completes its caller after the commit.</summary>
internal abstract class SqliteWriteOperation
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

    /// <summary>
    /// Gets a value indicating whether the commit that carries this operation must flush the write-ahead log (with
    /// <c>synchronous=FULL</c>), as publishes and every host-facing write do. The worker's own bookkeeping (claims, attempt
    /// outcomes, lease releases) does not: lost to a power failure, it only means a delivery is sent again.
    /// </summary>
    public bool FlushOnCommit { get; init; } = true;

    /// <summary>Claims the operation for a batch; <see langword="false"/> when its caller already cancelled.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    /// <summary>Runs the operation on the writer connection, inside a savepoint.</summary>
    public abstract void Execute(SqliteConnection connection);

    /// <summary>Completes the caller with the result after the batch committed.</summary>
    public abstract void Complete();

    /// <summary>Fails the caller.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Marks the operation cancelled unless a batch took it first.</summary>
    protected bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued;
}
