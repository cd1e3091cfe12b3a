using System.Reflection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// An <see cref="IWebhookStore"/> that passes every call to an in-memory store, except that each
/// <see cref="IWebhookStore.RecordAttemptAsync"/> waits until the test lets one through, as a slow commit would.
/// </summary>
public class RecordGatedStore : InMemoryStoreProxy, IDisposable
{
    private readonly SemaphoreSlim _gate = new(0);
    private int _waiting;
    private int _recorded;
    private int _nextDueQueries;

    /// <summary>Gets how many records are waiting at the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Gets how many records have gone through.</summary>
    public int Recorded => Volatile.Read(ref _recorded);

    /// <summary>Gets how many times the earliest due time was asked for (the worker asks before it sleeps).</summary>
    public int NextDueQueries => Volatile.Read(ref _nextDueQueries);

    public static (IWebhookStore Store, RecordGatedStore Gate) Create() => CreateOver<RecordGatedStore>();

    public void Dispose()
    {
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Lets <paramref name="count"/> waiting (or future) records through.</summary>
    public void Allow(int count = 1) => _gate.Release(count);

    protected override bool TryIntercept(MethodInfo method, object?[] args, out object? result)
    {
        result = null;
        if (method.Name == nameof(IWebhookStore.RecordAttemptAsync))
        {
            // Returned to the caller as is, the one consumer of this ValueTask.
#pragma warning disable CA2012
            result = RecordAsync((WebhookAttemptRecord)args[0]!, (CancellationToken)args[1]!);
#pragma warning restore CA2012
            return true;
        }

        if (method.Name == nameof(IWebhookStore.GetNextDueTimeAsync))
        {
            Interlocked.Increment(ref _nextDueQueries);
        }

        return false;
    }

    private async ValueTask<bool> RecordAsync(WebhookAttemptRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        var recorded = await Inner.RecordAttemptAsync(record, cancellationToken);
        Interlocked.Increment(ref _recorded);
        return recorded;
    }
}
