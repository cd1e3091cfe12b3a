using System.Threading.RateLimiting;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// One destination URL's bucket for one tenant and one <see cref="WebhookSubscription.RateLimitPerSecond"/> (shared by the
/// tenant's subscriptions to the URL with that limit) as a System.Threading.RateLimiting <see cref="RateLimiter"/>: a
/// token bucket holding one second's worth of tokens (at least one), refilled continuously.
/// A refused lease carries <see cref="MetadataName.RetryAfter"/>.
/// </summary>
/// <remarks>
/// The framework's <see cref="TokenBucketRateLimiter"/> measures elapsed time with its own clock, even when replenished by
/// hand; this limiter measures it on the worker's <see cref="TimeProvider"/>, so the limit follows the same clock as the
/// retry schedule (and a test's fake clock). Waiting acquisitions are not needed: the worker hands the delivery back
/// until the retry-after time instead of waiting.
/// </remarks>
internal sealed class WebhookRateLimiter : RateLimiter
{
    // Refills are fractional doubles; a token that is short by less than this after waiting exactly the retry-after time
    // is rounding, not a real shortfall, and refusing it would hand the delivery back due at once, again and again.
    private const double TokenTolerance = 1e-9;
    private static readonly RateLimitLease Granted = new Lease(null);
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _capacity;
    private double _tokens;
    private long _last;
    private long _successful;
    private long _failed;
    private long? _idleSince;

    public WebhookRateLimiter(double permitsPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(permitsPerSecond, 0);
        ArgumentNullException.ThrowIfNull(timeProvider);
        PermitsPerSecond = permitsPerSecond;
        _timeProvider = timeProvider;
        _capacity = Math.Max(1, permitsPerSecond);
        _tokens = _capacity;
        _last = timeProvider.GetTimestamp();
        _idleSince = _last;
    }

    public double PermitsPerSecond { get; }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                // Refilled first: a bucket drawn from and left alone since is full by now, and idle since it filled.
                Refill();
                return _idleSince is { } since ? _timeProvider.GetElapsedTime(since) : null;
            }
        }
    }

    /// <summary>Takes a token when one is available; otherwise says how long until one will be.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        using var lease = AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1 / PermitsPerSecond);
        return false;
    }

    /// <summary>
    /// Gives back a token taken by <see cref="TryAcquire"/> for a delivery that was then not sent (the worker handed it
    /// back after all). The bucket ends as it would have been had the token never been taken: refills stop at the capacity
    /// either way.
    /// </summary>
    public void Refund()
    {
        lock (_gate)
        {
            Refill();
            _tokens = Math.Min(_capacity, _tokens + 1);
            if (_tokens >= _capacity && _idleSince is null)
            {
                _idleSince = _last;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, (int)Math.Ceiling(_capacity));
        lock (_gate)
        {
            Refill();
            if (_tokens + TokenTolerance >= permitCount)
            {
                _tokens = Math.Max(0, _tokens - permitCount);
                _successful++;
                _idleSince = null;
                return Granted;
            }

            _failed++;

            // Rounded up to a whole tick (and at least one): waiting a rounded-down time would leave the token just short.
            // A thousandth of a tick is floating-point noise, not a reason to add a tick.
            var ticks = Math.Ceiling(((permitCount - _tokens) / PermitsPerSecond * TimeSpan.TicksPerSecond) - 1e-3);
            return new Lease(TimeSpan.FromTicks(Math.Max(1, (long)ticks)));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_last, now);
        var missing = _capacity - _tokens;
        var previous = _last;
        _last = now;
        _tokens = Math.Min(_capacity, _tokens + (elapsed.TotalSeconds * PermitsPerSecond));
        if (_tokens >= _capacity && _idleSince is null)
        {
            // Idle since the moment it filled up, not since it was next looked at.
            _idleSince = Math.Min(now, previous + (long)(Math.Max(0, missing) / PermitsPerSecond * _timeProvider.TimestampFrequency));
        }
    }

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
