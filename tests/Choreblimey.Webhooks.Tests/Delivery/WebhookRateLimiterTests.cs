using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookRateLimiterTests
{
    [Fact]
    public void Allows_a_burst_of_one_seconds_worth_then_one_token_per_period_on_the_given_clock()
    {
        var clock = new WebhookTestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new WebhookRateLimiter(2, clock);

        Assert.True(limiter.TryAcquire(out _));
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfter);

        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(limiter.TryAcquire(out retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(1), retryAfter);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out _));
    }

    [Fact]
    public void A_fractional_rate_spaces_tokens_over_several_seconds_and_never_stores_more_than_one()
    {
        var clock = new WebhookTestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new WebhookRateLimiter(0.5, clock);

        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(0.3)]
    public void Waiting_exactly_the_retry_after_time_always_yields_a_token_at_rates_with_no_exact_tick_period(double rate)
    {
        var clock = new WebhookTestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new WebhookRateLimiter(rate, clock);
        while (limiter.TryAcquire(out _))
        {
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.False(limiter.TryAcquire(out var retryAfter));
            Assert.True(retryAfter > TimeSpan.Zero);
            clock.Advance(retryAfter);
            Assert.True(limiter.TryAcquire(out _), $"No token after waiting the retry-after time of {retryAfter} (round {i}).");
        }
    }

    [Fact]
    public void Idle_time_refills_at_most_to_capacity()
    {
        var clock = new WebhookTestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new WebhookRateLimiter(3, clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire(out _));
        }

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(out TimeSpan _)));
    }

    [Fact]
    public void A_refunded_token_leaves_the_bucket_as_if_it_had_not_been_taken()
    {
        var clock = new WebhookTestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var limiter = new WebhookRateLimiter(2, clock);
        Assert.True(limiter.TryAcquire(out _));
        Assert.True(limiter.TryAcquire(out _));

        limiter.Refund();
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(limiter.TryAcquire(out _));

        // A token taken, then the bucket refilled to capacity before the refund: the refund adds nothing beyond it.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(limiter.TryAcquire(out _));
        clock.Advance(TimeSpan.FromSeconds(5));
        limiter.Refund();
        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(out TimeSpan _)));
    }
}
