using System.Net.Http.Headers;
using Choreblimey.Webhooks.Delivery.Internal;
using FsCheck;
using FsCheck.Fluent;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];

    private static WebhookSubscription Subscription(int? maxAttempts = null, IReadOnlyList<TimeSpan>? schedule = null) =>
        TestServices.Subscription("sub_1", "", ["*"], retrySchedule: schedule) with { MaxAttempts = maxAttempts };

    [Fact]
    public void Default_schedule_is_immediately_5s_5m_30m_2h_5h_10h_10h()
    {
        var options = new WebhookOptions();

        Assert.Equal(DefaultSchedule, options.Retry.Schedule);
        Assert.Equal(0.2, options.Retry.JitterFactor);
        Assert.True(options.Retry.HonorRetryAfter);
    }

    [Fact]
    public void Default_schedules_of_two_options_instances_are_independent()
    {
        var first = new WebhookOptions();
        first.Retry.UseSchedule(TimeSpan.FromSeconds(1));

        Assert.Equal(DefaultSchedule, new WebhookOptions().Retry.Schedule);
    }

    [Fact]
    public void Without_jitter_each_attempt_gets_its_schedule_entry()
    {
        var policy = new WebhookRetryPolicy(() => throw new InvalidOperationException("no jitter: the random source must not be used"));

        for (var attempt = 1; attempt <= DefaultSchedule.Length; attempt++)
        {
            Assert.Equal(DefaultSchedule[attempt - 1], policy.GetDelay(attempt, DefaultSchedule, jitterFactor: 0));
        }
    }

    [Fact]
    public void Jitter_of_0_2_keeps_every_entry_within_20_percent_for_any_random_value()
    {
        // Doubles in [0, 1), including both ends of the range the random source may produce.
        var units = Gen.OneOf(
            Gen.Constant(0.0),
            Gen.Constant(Math.BitDecrement(1.0)),
            Gen.Choose(0, int.MaxValue - 1).Select(i => i / (double)int.MaxValue));
        var cases =
            from index in Gen.Choose(0, DefaultSchedule.Length - 1)
            from unit in units
            select (index, unit);

        Prop.ForAll(Arb.From(cases), c =>
        {
            var policy = new WebhookRetryPolicy(() => c.unit);
            var baseDelay = DefaultSchedule[c.index];
            var delay = policy.GetDelay(c.index + 1, DefaultSchedule, jitterFactor: 0.2);

            var low = TimeSpan.FromTicks((long)Math.Floor(baseDelay.Ticks * 0.8));
            var high = TimeSpan.FromTicks((long)Math.Ceiling(baseDelay.Ticks * 1.2));
            return delay >= low && delay <= high;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Jitter_spans_the_whole_band_and_is_centred_on_the_entry()
    {
        var schedule = new[] { TimeSpan.FromMinutes(10) };

        Assert.Equal(TimeSpan.FromMinutes(8), new WebhookRetryPolicy(() => 0.0).GetDelay(1, schedule, 0.2));
        Assert.Equal(TimeSpan.FromMinutes(10), new WebhookRetryPolicy(() => 0.5).GetDelay(1, schedule, 0.2));
        Assert.True(new WebhookRetryPolicy(() => Math.BitDecrement(1.0)).GetDelay(1, schedule, 0.2) > TimeSpan.FromSeconds(719));
    }

    [Fact]
    public void A_zero_delay_gets_no_jitter()
    {
        var policy = new WebhookRetryPolicy(() => 0.0);

        Assert.Equal(TimeSpan.Zero, policy.GetDelay(1, DefaultSchedule, jitterFactor: 0.2));
        Assert.Equal(TimeSpan.Zero, policy.GetDelay(1, DefaultSchedule, jitterFactor: 1));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(100)]
    public void Past_the_end_of_the_schedule_the_last_delay_repeats(int attempt)
    {
        var policy = new WebhookRetryPolicy(() => 0.5);
        var schedule = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromHours(3) };

        Assert.Equal(TimeSpan.FromHours(10), policy.GetDelay(attempt, DefaultSchedule, jitterFactor: 0));
        Assert.Equal(TimeSpan.FromHours(3), policy.GetDelay(attempt, schedule, jitterFactor: 0));
    }

    [Fact]
    public void Attempt_numbers_start_at_one()
    {
        var policy = new WebhookRetryPolicy(() => 0.5);

        Assert.Throws<ArgumentOutOfRangeException>(() => policy.GetDelay(0, DefaultSchedule, 0));
    }

    [Fact]
    public void Max_attempts_prefers_the_subscription_limit_then_its_schedule_then_the_options()
    {
        var retry = new WebhookOptions().Retry;
        var threeEntries = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) };

        Assert.Equal(5, WebhookRetryPolicy.GetMaxAttempts(Subscription(maxAttempts: 5, schedule: threeEntries), retry));
        Assert.Equal(2, WebhookRetryPolicy.GetMaxAttempts(Subscription(maxAttempts: 2), retry));
        Assert.Equal(3, WebhookRetryPolicy.GetMaxAttempts(Subscription(schedule: threeEntries), retry));
        Assert.Equal(8, WebhookRetryPolicy.GetMaxAttempts(Subscription(), retry));

        retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(2, WebhookRetryPolicy.GetMaxAttempts(Subscription(), retry));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public void Retry_after_seconds_is_honoured_on_429_and_503(int status)
    {
        var header = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));

        Assert.Equal(TimeSpan.FromSeconds(120), WebhookRetryPolicy.GetRetryAfter(status, header, Now, new WebhookRetryOptions()));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(0)]
    public void Retry_after_is_ignored_on_other_status_codes(int status)
    {
        var header = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));

        Assert.Null(WebhookRetryPolicy.GetRetryAfter(status, header, Now, new WebhookRetryOptions()));
    }

    [Fact]
    public void Retry_after_date_is_measured_from_now()
    {
        var header = new RetryConditionHeaderValue(Now.AddSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(90), WebhookRetryPolicy.GetRetryAfter(429, header, Now, new WebhookRetryOptions()));
    }

    [Fact]
    public void Retry_after_is_clamped_to_the_configured_bounds()
    {
        var retry = new WebhookRetryOptions { MinRetryAfter = TimeSpan.FromSeconds(10), MaxRetryAfter = TimeSpan.FromMinutes(15) };

        Assert.Equal(TimeSpan.FromSeconds(10), WebhookRetryPolicy.GetRetryAfter(429, new RetryConditionHeaderValue(TimeSpan.Zero), Now, retry));
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookRetryPolicy.GetRetryAfter(429, new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), Now, retry));
        Assert.Equal(TimeSpan.FromMinutes(15), WebhookRetryPolicy.GetRetryAfter(503, new RetryConditionHeaderValue(TimeSpan.FromHours(5)), Now, retry));
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookRetryPolicy.GetRetryAfter(503, new RetryConditionHeaderValue(Now.AddMinutes(-5)), Now, retry));
        Assert.Equal(TimeSpan.FromMinutes(15), WebhookRetryPolicy.GetRetryAfter(503, new RetryConditionHeaderValue(Now.AddDays(2)), Now, retry));
        Assert.Equal(TimeSpan.FromMinutes(2), WebhookRetryPolicy.GetRetryAfter(503, new RetryConditionHeaderValue(TimeSpan.FromMinutes(2)), Now, retry));
    }

    [Fact]
    public void Retry_after_is_ignored_when_not_honoured_or_absent()
    {
        var retry = new WebhookRetryOptions { HonorRetryAfter = false };

        Assert.Null(WebhookRetryPolicy.GetRetryAfter(429, new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)), Now, retry));
        Assert.Null(WebhookRetryPolicy.GetRetryAfter(429, null, Now, new WebhookRetryOptions()));
    }

    [Fact]
    public void Parses_delta_seconds()
    {
        var parsed = WebhookRetryPolicy.ParseRetryAfter("120");

        Assert.NotNull(parsed);
        Assert.Equal(TimeSpan.FromSeconds(120), parsed.Delta);
        Assert.Null(parsed.Date);
        Assert.Equal(TimeSpan.FromSeconds(7), WebhookRetryPolicy.ParseRetryAfter(" 7 ")?.Delta);
    }

    [Fact]
    public void Parses_an_http_date()
    {
        var parsed = WebhookRetryPolicy.ParseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT");

        Assert.NotNull(parsed);
        Assert.Null(parsed.Delta);
        Assert.Equal(new DateTimeOffset(2026, 10, 21, 7, 28, 0, TimeSpan.Zero), parsed.Date);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("-5")]
    [InlineData("12 seconds")]
    public void Garbage_parses_to_null(string? value) => Assert.Null(WebhookRetryPolicy.ParseRetryAfter(value));
}
