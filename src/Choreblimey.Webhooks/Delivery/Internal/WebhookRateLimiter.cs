namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// A token bucket for one subscription's <see cref="WebhookSubscription.RateLimitPerSecond"/>: it holds up to one second's
/// worth of tokens (at least one) and refills continuously, measured on the worker's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c> is not used: the core library does not reference that
/// package (it ships only with ASP.NET Core's shared framework), and it measures time with its own clock and timer rather
/// than a <see cref="TimeProvider"/>, which would make the limit untestable with a fake clock.
/// </remarks>
internal sealed class WebhookRateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    public WebhookRateLimiter(double permitsPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(permitsPerSecond, 0);
        PermitsPerSecond = permitsPerSecond;
        _timeProvider = timeProvider;
        _capacity = Math.Max(1, permitsPerSecond);
        _tokens = _capacity;
        _last = timeProvider.GetTimestamp();
    }

    public double PermitsPerSecond { get; }

    /// <summary>Takes a token when one is available; otherwise says how long until one will be.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(_last, now);
            _last = now;
            _tokens = Math.Min(_capacity, _tokens + (elapsed.TotalSeconds * PermitsPerSecond));
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / PermitsPerSecond);
            return false;
        }
    }
}
