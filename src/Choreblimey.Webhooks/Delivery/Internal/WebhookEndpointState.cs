using Polly;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>Per-subscription isolation: a cap on attempts in flight and a circuit breaker.</summary>
internal sealed class WebhookEndpointState(int maxConcurrency, ResiliencePipeline<WebhookSendResult> pipeline, long createdAtTicks)
{
    /// <summary>The value of <see cref="_lastUsedTicks"/> once the state is retired: it is never handed out again.</summary>
    private const long Retired = long.MinValue;

    private int _held;
    private long _lastUsedTicks = createdAtTicks;
    private WebhookRateLimiter? _rateLimiter;
    private ResiliencePipeline<WebhookSendResult> _pipeline = pipeline;

    /// <summary>Gets the slots for attempts in flight to this endpoint.</summary>
    public SemaphoreSlim Slots { get; } = new(maxConcurrency, maxConcurrency);

    /// <summary>Gets the circuit breaker pipeline for this endpoint.</summary>
    public ResiliencePipeline<WebhookSendResult> Pipeline => Volatile.Read(ref _pipeline);

    /// <summary>Takes a place among the leases this worker holds for the endpoint, if fewer than <paramref name="limit"/> are held.</summary>
    public bool TryHold(int limit)
    {
        if (Interlocked.Increment(ref _held) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _held);
        return false;
    }

    /// <summary>
    /// Gets the rate limiter for <paramref name="permitsPerSecond"/>, creating it on first use or when the subscription's
    /// limit changed.
    /// </summary>
    public WebhookRateLimiter GetRateLimiter(double permitsPerSecond, TimeProvider timeProvider)
    {
        var current = Volatile.Read(ref _rateLimiter);
        if (current is not null && current.PermitsPerSecond.Equals(permitsPerSecond))
        {
            return current;
        }

        var created = new WebhookRateLimiter(permitsPerSecond, timeProvider);
        var seen = Interlocked.CompareExchange(ref _rateLimiter, created, current);
        if (ReferenceEquals(seen, current))
        {
            current?.Dispose();
            return created;
        }

        created.Dispose();
        return seen!;
    }

    /// <summary>
    /// Replaces the circuit breaker with <paramref name="closed"/>, a new one. Only the breaker: the slots, the held leases
    /// and the rate limiter still count the attempts in flight and the tokens spent, so the endpoint's limits hold across
    /// the change. An attempt in flight finishes on the breaker it started with, which is then dropped.
    /// </summary>
    public void ReplacePipeline(ResiliencePipeline<WebhookSendResult> closed) => Volatile.Write(ref _pipeline, closed);

    /// <summary>Gives back a place taken by <see cref="TryHold"/>.</summary>
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

    /// <summary>
    /// Retires the state if it was last used before <paramref name="cutoffTicks"/> and holds no lease. Touch and retirement
    /// change one field, so a state handed out by <see cref="TryTouch"/> cannot be retired under its caller.
    /// </summary>
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
