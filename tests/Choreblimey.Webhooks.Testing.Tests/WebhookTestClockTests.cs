namespace Choreblimey.Webhooks.Testing.Tests;

public sealed class WebhookTestClockTests
{
    [Fact]
    public async Task Delays_complete_only_when_the_clock_passes_them()
    {
        var clock = new WebhookTestClock();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(WebhookTestClock.DefaultStart + TimeSpan.FromMinutes(5), clock.GetUtcNow());
    }

    [Fact]
    public void The_clock_never_goes_backwards()
    {
        var clock = new WebhookTestClock();

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(WebhookTestClock.DefaultStart.AddSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void Timers_fire_in_due_order_with_the_clock_at_their_due_time()
    {
        var clock = new WebhookTestClock();
        var fired = new List<(int, DateTimeOffset)>();
        using var late = clock.CreateTimer(_ => fired.Add((2, clock.GetUtcNow())), null, TimeSpan.FromMinutes(2), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add((1, clock.GetUtcNow())), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal([(1, WebhookTestClock.DefaultStart.AddMinutes(1)), (2, WebhookTestClock.DefaultStart.AddMinutes(2))], fired);
        Assert.Equal(0, clock.PendingTimerCount);
    }
}
