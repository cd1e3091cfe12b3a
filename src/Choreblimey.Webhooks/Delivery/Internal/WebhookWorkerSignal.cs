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

    /// <summary>Waits until notified or until <paramref name="timeout"/> passes on <paramref name="timeProvider"/>.</summary>
    /// <returns><see langword="true"/> when notified.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return _signal.Wait(0, CancellationToken.None);
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
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
