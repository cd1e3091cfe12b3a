using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// The idle worker's wait: until a publish notifies it or until a deadline on the host's clock. The clock is fake; a wait
/// that oversleeps shows as a task that never completes, so every case checks completion at once or after a step.
/// </summary>
public sealed class WebhookWorkerSignalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_clock_stepped_past_the_deadline_while_the_timer_is_being_set_ends_the_wait_at_once()
    {
        // The race behind a rare hang: the worker reads the clock, a test steps it past the deadline, then the worker's timer
        // is created relative to the stepped clock and would fall due a whole interval later than the deadline.
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();
        var stepping = new StepsOnFirstTimer(clock, TimeSpan.FromSeconds(10));

        var wait = signal.WaitUntilAsync(T0 + TimeSpan.FromSeconds(5), stepping, CancellationToken.None);

        Assert.True(wait.IsCompleted, "the wait should see the clock already past its deadline");
        Assert.False(await wait);
    }

    [Fact]
    public async Task A_clock_stepped_short_of_the_deadline_while_the_timer_is_being_set_still_ends_the_wait_at_the_deadline()
    {
        // The hang seen about once in 300 runs of the worker's wake-up test: a test clock's Advance fires other components'
        // timers one by one, showing each due time on the way, and moved on between the worker's reading and its timer, so
        // the timer fell due past the deadline while the clock, short of the deadline then, stopped exactly at it.
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();
        var stepping = new StepsOnFirstTimer(clock, TimeSpan.FromSeconds(2));

        var deadline = T0 + TimeSpan.FromSeconds(5);
        var wait = signal.WaitUntilAsync(deadline, stepping, CancellationToken.None);

        await AssertEndsExactlyAtAsync(wait, clock, deadline);
    }

    [Fact]
    public async Task A_clock_that_moves_on_every_reading_does_not_keep_the_wait_setting_its_timer_forever()
    {
        // A custom provider over real time never reads the same twice; the timer is set again a bounded number of times.
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();
        var ticking = new MovesOnEveryReading(clock, TimeSpan.FromMilliseconds(1));

        // Started on another thread, so that a wait stuck setting its timer fails the test instead of hanging it.
        var wait = await Task.Factory.StartNew(
            () => signal.WaitUntilAsync(T0 + TimeSpan.FromSeconds(5), ticking, CancellationToken.None),
            CancellationToken.None,
            TaskCreationOptions.None,
            TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_wait_ends_when_the_clock_reaches_the_deadline()
    {
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();

        var deadline = T0 + TimeSpan.FromSeconds(5);
        var wait = signal.WaitUntilAsync(deadline, clock, CancellationToken.None);

        await AssertEndsExactlyAtAsync(wait, clock, deadline);
    }

    [Fact]
    public async Task A_notification_ends_the_wait_and_one_given_before_it_is_not_lost()
    {
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();

        var wait = signal.WaitUntilAsync(T0 + TimeSpan.FromMinutes(1), clock, CancellationToken.None);
        signal.Notify();
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));

        signal.Notify();
        signal.Notify();
        Assert.True(await signal.WaitUntilAsync(T0 + TimeSpan.FromMinutes(1), clock, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await signal.WaitUntilAsync(T0, clock, CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_the_wait_throws_rather_than_reporting_a_timeout()
    {
        var clock = new WebhookTestClock(T0);
        using var signal = new WebhookWorkerSignal();
        using var stopping = new CancellationTokenSource();

        var wait = signal.WaitUntilAsync(T0 + TimeSpan.FromMinutes(1), clock, stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Steps the clock to a second short of the deadline (the wait must go on), then to the deadline (it must end as a timeout).</summary>
    private static async Task AssertEndsExactlyAtAsync(Task<bool> wait, WebhookTestClock clock, DateTimeOffset deadline)
    {
        clock.SetUtcNow(deadline - TimeSpan.FromSeconds(1));
        Assert.False(wait.IsCompleted);
        clock.SetUtcNow(deadline);

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Steps the clock the first time a timer is created, just before creating it.</summary>
    private sealed class StepsOnFirstTimer(WebhookTestClock clock, TimeSpan step) : TimeProvider
    {
        private int _stepped;

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Interlocked.Exchange(ref _stepped, 1) == 0)
            {
                clock.Advance(step);
            }

            return clock.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>Moves the clock a little on every reading, as real time does between two readings.</summary>
    private sealed class MovesOnEveryReading(WebhookTestClock clock, TimeSpan step) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            clock.Advance(step);
            return clock.GetUtcNow();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            clock.CreateTimer(callback, state, dueTime, period);
    }
}
