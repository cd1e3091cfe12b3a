namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>An auto-reset wake-up for the delivery worker: publishers set it, the idle worker waits on it.</summary>
internal sealed class WebhookWorkerSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another publisher set it first; one wake-up is enough.
            }
        }
    }

    /// <summary>Waits until notified or until <paramref name="deadline"/> on <paramref name="timeProvider"/>.</summary>
    /// <returns><see langword="true"/> when notified.</returns>
    public async Task<bool> WaitUntilAsync(DateTimeOffset deadline, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var timeout = deadline - timeProvider.GetUtcNow();
        if (timeout <= TimeSpan.Zero)
        {
            return _signal.Wait(0, CancellationToken.None);
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);

        // A timer is set relative to the clock when it is created. A clock that moved on after it was read above (a test
        // clock stepped just then) would leave the timer due past the deadline, and a stepped clock may not move again until
        // the worker acts: look again now that the timer is set.
        if (timeProvider.GetUtcNow() >= deadline)
        {
            return _signal.Wait(0, CancellationToken.None);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await _signal.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _signal.Dispose();
}
