namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// State the worker keeps between deliveries and drops once unused for a while (see <see cref="WebhookEndpointRegistry"/>):
/// each use touches it, and the idle sweep retires it when it was last used before a cutoff and holds no lease.
/// </summary>
/// <remarks>
/// Touch and retirement change one field, so a state handed out by <see cref="TryTouch"/> cannot be retired under its
/// caller; the held count keeps a state whose attempt has waited long (for a slot, under a long lease) from being retired
/// while it is still in use.
/// </remarks>
internal abstract class WebhookIdleState(long createdAtTicks)
{
    /// <summary>The value of <see cref="_lastUsedTicks"/> once the state is retired: it is never handed out again.</summary>
    private const long Retired = long.MinValue;

    private int _held;
    private long _lastUsedTicks = createdAtTicks;

    /// <summary>Takes a place among the leases this worker holds for the state, if fewer than <paramref name="limit"/> are held.</summary>
    public bool TryHold(int limit)
    {
        if (Interlocked.Increment(ref _held) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
        return false;
    }

    /// <summary>Takes a place among the leases this worker holds for the state, however many are held.</summary>
    public void Hold() => Interlocked.Increment(ref _held);

    /// <summary>Gives back a place taken by <see cref="TryHold"/> or <see cref="Hold"/>.</summary>
    public void Unhold() => Interlocked.Decrement(ref _held);

    /// <summary>Marks the state used at <paramref name="nowTicks"/>, unless it was retired (then the caller needs a new one).</summary>
    public bool TryTouch(long nowTicks)
    {
        while (true)
        {
            var last = Volatile.Read(ref _lastUsedTicks);
            if (last == Retired)
            {
                return false;
            }

            if (last >= nowTicks || Interlocked.CompareExchange(ref _lastUsedTicks, nowTicks, last) == last)
            {
                return true;
            }
        }
    }

    /// <summary>Retires the state if it was last used before <paramref name="cutoffTicks"/> and holds no lease.</summary>
    public bool TryRetire(long cutoffTicks)
    {
        while (true)
        {
            var last = Volatile.Read(ref _lastUsedTicks);
            if (last == Retired)
            {
                return true;
            }

            if (last >= cutoffTicks || Volatile.Read(ref _held) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _lastUsedTicks, Retired, last) == last)
            {
                return true;
            }
        }
    }
}
