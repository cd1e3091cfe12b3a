using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>A queued write: runs inside the writer's batch transaction and completes its caller after the commit.</summary>
internal abstract class SqliteWriteOperation
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

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
