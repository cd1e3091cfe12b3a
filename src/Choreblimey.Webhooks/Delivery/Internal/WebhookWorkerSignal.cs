namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>An auto-reset wake-up for the delivery worker: publishers set it, the idle worker waits on it.</summary>
internal sealed class WebhookWorkerSignal : IDisposable
{
    private const int MaxTimerSettings = 8;

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
        var before = timeProvider.GetUtcNow();
        if (before >= deadline)
        {
            return _signal.Wait(0, CancellationToken.None);
        }

        using var timeoutSource = new CancellationTokenSource(deadline - before, timeProvider);
        if (!SettleTimer(timeoutSource, deadline, before, timeProvider))
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

    /// <summary>
    /// A timer counts from the clock as it reads when the timer is set, not from the reading its due time was worked out
    /// from, so a clock that moved in between leaves the timer due late by that much. A real clock keeps moving and the
    /// timer fires microseconds late; a stepped clock (a test clock) may stop exactly at the deadline and never reach the late
    /// due time, leaving the worker asleep past a due delivery. The clock never goes backwards, so a reading taken after the
    /// timer was set that equals the one before it proves the timer was set from that reading: set it again from each new
    /// reading until the clock holds still across a setting, or until it has passed the deadline.
    /// </summary>
    /// <returns><see langword="false"/> when the clock has already reached <paramref name="deadline"/>.</returns>
    private static bool SettleTimer(CancellationTokenSource timeoutSource, DateTimeOffset deadline, DateTimeOffset before, TimeProvider timeProvider)
    {
        if (ReferenceEquals(timeProvider, TimeProvider.System))
        {
            return true;
        }

        // A custom provider over real time never reads the same twice; after a few settings it is late by no more than
        // the time one setting takes, as the system clock is.
        for (var setting = 0; setting < MaxTimerSettings; setting++)
        {
            var after = timeProvider.GetUtcNow();
            if (after >= deadline)
            {
                return false;
            }

            if (after == before)
            {
                return true;
            }

            before = after;
            timeoutSource.CancelAfter(deadline - before);
        }

        return timeProvider.GetUtcNow() < deadline;
    }

    public void Dispose() => _signal.Dispose();
}
