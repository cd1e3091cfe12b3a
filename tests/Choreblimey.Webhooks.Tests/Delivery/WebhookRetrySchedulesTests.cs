namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookRetrySchedulesTests
{
    [Fact]
    public void Jossiedbs_defaults_give_an_immediate_attempt_and_three_doubling_retries()
    {
        var schedule = WebhookRetrySchedules.Exponential(retries: 3, firstRetryDelay: TimeSpan.FromSeconds(5));

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], schedule);
    }

    [Fact]
    public void No_retries_is_one_attempt()
    {
        Assert.Equal([TimeSpan.Zero], WebhookRetrySchedules.Exponential(0, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Delays_are_capped_at_what_subscriptions_accept()
    {
        var schedule = WebhookRetrySchedules.Exponential(99, TimeSpan.FromDays(1));

        Assert.Equal(100, schedule.Length);
        Assert.Equal(TimeSpan.FromDays(4), schedule[3]);
        Assert.All(schedule.Skip(4), delay => Assert.Equal(WebhookRetrySchedules.MaxDelay, delay));
    }

    [Theory]
    [InlineData(-1, 5.0)]
    [InlineData(100, 5.0)]
    [InlineData(3, -1.0)]
    [InlineData(3, 604_801.0)]
    public void Values_outside_their_range_are_refused(int retries, double firstRetryDelaySeconds)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => WebhookRetrySchedules.Exponential(retries, TimeSpan.FromSeconds(firstRetryDelaySeconds)));

        Assert.Equal(retries is < 0 or > 99 ? "retries" : "firstRetryDelay", exception.ParamName);
    }
}
