using Choreblimey.Webhooks.Sqlite;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>Holds the store's writer inside a batch so that the writes queued meanwhile all land in the next batch.</summary>
public sealed class WriterGate : IDisposable
{
    private readonly ManualResetEventSlim _release;

    private WriterGate(ManualResetEventSlim release, Task<bool> blocked)
    {
        _release = release;
        Blocked = blocked;
    }

    /// <summary>Gets the blocking write itself; it completes after <see cref="Open"/>.</summary>
    public Task<bool> Blocked { get; }

    internal static async Task<WriterGate> CloseAsync(SqliteWebhookStore store, CancellationToken cancellationToken = default)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new ManualResetEventSlim();
        var blocked = store.WriteAsync(
            _ =>
            {
                started.TrySetResult();
                release.Wait(TimeSpan.FromSeconds(30));
                return true;
            },
            cancellationToken);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        return new WriterGate(release, blocked);
    }

    public void Open() => _release.Set();

    public void Dispose()
    {
        Open();
        _release.Dispose();
    }
}
