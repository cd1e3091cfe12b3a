namespace Choreblimey.Webhooks.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/> or <see cref="SetUtcNow"/>.
/// Timers created from it (and so <c>Task.Delay(…, timeProvider)</c> and timeouts on it) fire when the clock passes their
/// due time, in due order, so a test steps through a retry schedule of minutes or hours without sleeping.
/// </summary>
public sealed class WebhookTestClock : TimeProvider
{
    /// <summary>The default start time, 2026-01-01T09:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<TestTimer> _timers = [];
    private DateTimeOffset _now;

    /// <summary>Creates a clock.</summary>
    /// <param name="start">The start time; <see cref="DefaultStart"/> when omitted.</param>
    public WebhookTestClock(DateTimeOffset? start = null) => _now = (start ?? DefaultStart).ToUniversalTime();

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Gets how many timers are waiting, which tells a test that a component has gone to sleep on this clock.</summary>
    public int PendingTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _now.UtcTicks;
        }
    }

    /// <summary>Moves the clock forward and fires every timer that falls due, in due order.</summary>
    /// <remarks>
    /// The clock stops at each timer's due time on the way, sets itself to it and fires it, so the worker (and any other
    /// component those timers wake, on other threads) may act at those intermediate times before the clock reaches the
    /// end: a two-minute jump can send a retry that is due after five seconds while the event has not yet expired. When a
    /// test needs the work due at one moment and nothing in between, advance to that moment with
    /// <see cref="IWebhookTestHarness.AdvanceToNextDueAsync"/>, or choose due times so that no intermediate stop matters.
    /// </remarks>
    /// <param name="delta">How far to move; not negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        SetUtcNow(target);
    }

    /// <summary>Sets the clock (never backwards) and fires every timer that falls due, in due order.</summary>
    /// <param name="value">The new time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is earlier than the current time.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        while (true)
        {
            TestTimer? next;
            lock (_gate)
            {
                if (value < _now)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"The test clock cannot go backwards: it is at {_now:O}, and {value:O} is earlier.");
                }

                next = _timers.Where(t => t.DueAt is not null && t.DueAt <= value).MinBy(t => t.DueAt);
                if (next is null)
                {
                    _now = value;
                    return;
                }

                _now = next.DueAt!.Value > _now ? next.DueAt.Value : _now;
                next.DueAt = next.Period is { } period && period > TimeSpan.Zero ? _now + period : null;
            }

            next.Fire();
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TestTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class TestTimer(WebhookTestClock owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var fireNow = false;
            lock (owner._gate)
            {
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                if (dueTime == TimeSpan.Zero)
                {
                    // A zero due time fires at once, as a real timer would, without waiting for the clock to move.
                    fireNow = true;
                    DueAt = Period is { } p && p > TimeSpan.Zero ? owner._now + p : null;
                }
            }

            if (fireNow)
            {
                ThreadPool.QueueUserWorkItem(static timer => timer.Fire(), this, preferLocal: false);
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
