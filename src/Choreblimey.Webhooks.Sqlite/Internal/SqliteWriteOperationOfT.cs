using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>A queued write with a result.</summary>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class SqliteWriteOperation<T> : SqliteWriteOperation
{
    private readonly Func<SqliteConnection, T> _work;
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private T? _result;

    public SqliteWriteOperation(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        _work = work;
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((SqliteWriteOperation<T>)state!).OnCancelled(), this)
            : default;
    }

    public Task<T> Task => _completion.Task;

    public override void Execute(SqliteConnection connection) => _result = _work(connection);

    public override void Complete()
    {
        _registration.Dispose();
        _completion.TrySetResult(_result!);
    }

    public override void Fail(Exception exception)
    {
        _registration.Dispose();
        _completion.TrySetException(exception);
    }

    private void OnCancelled()
    {
        if (TryCancel())
        {
            _completion.TrySetCanceled(_cancellationToken);
        }
    }
}
