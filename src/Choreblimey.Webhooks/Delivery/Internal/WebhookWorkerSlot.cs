namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// What one claimed delivery holds of the worker's concurrency: a send slot (one of
/// <see cref="WebhookOptions.MaxConcurrentDeliveries"/>) until its attempt is over, then a recording permit (four per send slot)
/// while its outcome is written. Handing the send slot on as soon as the receiver has answered keeps store commit
/// latency (an fsync, a group commit) from idling the HTTP concurrency; the permits keep the deliveries waiting for their
/// records bounded.
/// </summary>
internal sealed class WebhookWorkerSlot(SemaphoreSlim sends, SemaphoreSlim recordings)
{
    private int _sendReleased;
    private int _recording;

    /// <summary>Waits for a recording permit; the send slot is still held, to be passed on or released.</summary>
    public async Task AcquireRecordingPermitAsync(CancellationToken cancellationToken)
    {
        await recordings.WaitAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _recording, 1);
    }

    /// <summary>Passes the send slot to a new holder (the next delivery) without giving it back in between.</summary>
    /// <returns>The next delivery's slot, or <see langword="null"/> when this one no longer holds its send slot.</returns>
    public WebhookWorkerSlot? PassSendSlot() =>
        Interlocked.Exchange(ref _sendReleased, 1) == 0 ? new WebhookWorkerSlot(sends, recordings) : null;

    /// <summary>Gives the send slot back to the worker, if this one still holds it.</summary>
    public void ReleaseSend()
    {
        if (Interlocked.Exchange(ref _sendReleased, 1) == 0)
        {
            sends.Release();
        }
    }

    /// <summary>Gives back whatever is still held; safe to call more than once.</summary>
    public void Complete()
    {
        ReleaseSend();
        if (Interlocked.Exchange(ref _recording, 0) == 1)
        {
            recordings.Release();
        }
    }
}
