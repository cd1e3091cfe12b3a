using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookEndpointRegistryTests
{
    private const string Tenant = "t1";
    private static readonly Uri Booking = new("https://hook.make.example/booking");
    private static readonly Uri Errors = new("https://hook.make.example/errors");
    private readonly WebhookTestClock _clock = new(TestServices.Start);
    private readonly WebhookOptions _options = new();

    [Fact]
    public void Tenants_sending_to_one_url_do_not_share_its_limits()
    {
        var registry = NewRegistry();
        var mine = registry.GetDestination(Tenant, Booking);
        var limiter = mine.GetRateLimiter(1);
        Assert.True(limiter.TryAcquire(out _));

        var theirs = registry.GetDestination("t2", Booking);

        // Another tenant's backlog to the same URL cannot take this tenant's slots, hold places or tokens.
        Assert.NotSame(mine, theirs);
        Assert.True(theirs.GetRateLimiter(1).TryAcquire(out _));
        Assert.Same(mine, registry.GetDestination(Tenant, Booking));
        Assert.True(registry.ContainsDestination("t2", Booking));
        Assert.False(registry.ContainsDestination("t3", Booking));
    }

    [Fact]
    public void Subscriptions_to_one_url_share_its_slots_and_hold_limit_and_keep_a_breaker_each()
    {
        var registry = NewRegistry();

        var first = registry.GetDestination(Tenant, Booking);
        var second = registry.GetDestination(Tenant, new Uri("https://hook.make.example/booking"));

        Assert.Same(first, second);
        Assert.NotSame(first, registry.GetDestination(Tenant, Errors));
        Assert.True(first.TryHold(limit: 1));
        Assert.False(second.TryHold(limit: 1));
        Assert.NotSame(registry.GetCircuit("sub_cfg_route_booking_created"), registry.GetCircuit("sub_cfg_route_booking_rescheduled"));
        Assert.Equal((2, 2), (registry.CircuitCount, registry.DestinationCount));
    }

    [Fact]
    public void A_destination_is_its_absolute_url_compared_ordinally()
    {
        var registry = NewRegistry();
        var booking = registry.GetDestination(Tenant, Booking);

        // How the scheme and host were written, and a default port, do not make another destination: the URI is the same.
        Assert.Same(booking, registry.GetDestination(Tenant, new Uri("HTTPS://Hook.Make.Example:443/booking")));

        // Any other difference does: Make.com tells its scenarios apart by path, and a path or query is case-sensitive.
        Assert.NotSame(booking, registry.GetDestination(Tenant, new Uri("https://hook.make.example/Booking")));
        Assert.NotSame(booking, registry.GetDestination(Tenant, new Uri("https://hook.make.example/booking?scenario=2")));
        Assert.NotSame(booking, registry.GetDestination(Tenant, new Uri("https://hook.make.example:8443/booking")));
    }

    [Fact]
    public void Subscriptions_to_one_url_with_one_limit_share_a_token_bucket()
    {
        var registry = NewRegistry();
        var limiter = registry.GetDestination(Tenant, Booking).GetRateLimiter(2);

        Assert.Same(limiter, registry.GetDestination(Tenant, Booking).GetRateLimiter(2));
        Assert.True(limiter.TryAcquire(out _));
        Assert.True(limiter.TryAcquire(out _));
        Assert.False(registry.GetDestination(Tenant, Booking).GetRateLimiter(2).TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(0.5), retryAfter);
    }

    [Fact]
    public void Subscriptions_to_one_url_with_different_limits_keep_a_bucket_each_and_never_replace_one_another()
    {
        var registry = NewRegistry();
        var destination = registry.GetDestination(Tenant, Booking);
        var two = destination.GetRateLimiter(2);
        Assert.True(two.TryAcquire(out _));
        Assert.True(two.TryAcquire(out _));

        var five = destination.GetRateLimiter(5);

        Assert.NotSame(two, five);
        Assert.Equal(5, five.GetStatistics().CurrentAvailablePermits);

        // Asked for in turn, each limit gets its own bucket back, tokens spent and all: no second burst.
        Assert.Same(two, destination.GetRateLimiter(2));
        Assert.Same(five, destination.GetRateLimiter(5));
        Assert.Equal(0, destination.GetRateLimiter(2).GetStatistics().CurrentAvailablePermits);
        Assert.Equal(2, destination.RateLimiterCount);
    }

    [Fact]
    public void A_new_limit_drops_the_buckets_of_limits_left_full_for_the_idle_lifetime()
    {
        var registry = NewRegistry();
        var destination = registry.GetDestination(Tenant, Booking);
        destination.GetRateLimiter(1);
        _clock.Advance(TimeSpan.FromMinutes(30));
        var recent = destination.GetRateLimiter(2);
        Assert.True(recent.TryAcquire(out _));

        _clock.Advance(TimeSpan.FromMinutes(40));
        destination.GetRateLimiter(3);

        // The first has stood full for 70 minutes and goes (a new bucket would start full too); the second was drawn on
        // 40 minutes ago and stays.
        Assert.Equal(2, destination.RateLimiterCount);
        Assert.Same(recent, destination.GetRateLimiter(2));
    }

    [Fact]
    public void A_bucket_drawn_from_and_left_alone_counts_as_idle_from_when_it_filled_up_again()
    {
        var registry = NewRegistry();
        var destination = registry.GetDestination(Tenant, Booking);
        var drawn = destination.GetRateLimiter(1);
        Assert.True(drawn.TryAcquire(out _));

        // Full again a second later, then untouched: after the idle lifetime a new limit drops it.
        _clock.Advance(WebhookEndpointRegistry.IdleLifetime + TimeSpan.FromSeconds(2));
        Assert.True(drawn.IdleDuration > WebhookEndpointRegistry.IdleLifetime);
        Assert.True(drawn.IdleDuration < WebhookEndpointRegistry.IdleLifetime + TimeSpan.FromSeconds(2));
        destination.GetRateLimiter(2);

        Assert.Equal(1, destination.RateLimiterCount);
        Assert.NotSame(drawn, destination.GetRateLimiter(1));
    }

    [Fact]
    public void Removing_a_subscription_drops_its_breaker_and_keeps_its_destination()
    {
        var registry = NewRegistry();
        registry.GetCircuit("deleted");
        var shared = registry.GetDestination(Tenant, Booking);

        registry.Remove("deleted");

        Assert.False(registry.ContainsCircuit("deleted"));
        Assert.True(registry.ContainsDestination(Tenant, Booking));
        Assert.Same(shared, registry.GetDestination(Tenant, Booking));
    }

    [Fact]
    public void Resetting_a_circuit_replaces_only_that_subscriptions_breaker()
    {
        var registry = NewRegistry();
        var circuit = registry.GetCircuit("enabled");
        var other = registry.GetCircuit("other");
        var breaker = circuit.Pipeline;
        var otherBreaker = other.Pipeline;
        var destination = registry.GetDestination(Tenant, Booking);
        var limiter = destination.GetRateLimiter(2);

        registry.ResetCircuit("enabled");

        Assert.NotSame(breaker, circuit.Pipeline);
        Assert.Same(otherBreaker, other.Pipeline);
        Assert.Same(destination, registry.GetDestination(Tenant, Booking));
        Assert.Same(limiter, destination.GetRateLimiter(2));
    }

    [Fact]
    public void State_unused_for_the_idle_lifetime_is_dropped_at_the_next_sweep()
    {
        var registry = NewRegistry();
        registry.GetCircuit("deleted-elsewhere");
        registry.GetDestination(Tenant, Errors);

        _clock.Advance(WebhookEndpointRegistry.IdleLifetime + WebhookEndpointRegistry.SweepInterval);
        registry.GetCircuit("other");
        registry.GetDestination(Tenant, Booking);

        Assert.False(registry.ContainsCircuit("deleted-elsewhere"));
        Assert.False(registry.ContainsDestination(Tenant, Errors));
        Assert.True(registry.ContainsCircuit("other"));
        Assert.True(registry.ContainsDestination(Tenant, Booking));
        Assert.Equal((1, 1), (registry.CircuitCount, registry.DestinationCount));
    }

    [Fact]
    public void State_used_within_the_idle_lifetime_is_kept_as_it_was()
    {
        var registry = NewRegistry();
        var circuit = registry.GetCircuit("busy");
        var destination = registry.GetDestination(Tenant, Booking);

        _clock.Advance(WebhookEndpointRegistry.IdleLifetime - TimeSpan.FromMinutes(5));
        Assert.Same(circuit, registry.GetCircuit("busy"));
        Assert.Same(destination, registry.GetDestination(Tenant, Booking));
        _clock.Advance(TimeSpan.FromMinutes(30));
        registry.GetCircuit("other");

        Assert.Same(circuit, registry.GetCircuit("busy"));
        Assert.Same(destination, registry.GetDestination(Tenant, Booking));
    }

    [Fact]
    public void State_holding_a_lease_is_never_dropped_however_long_it_waits()
    {
        var registry = NewRegistry();
        var circuit = registry.GetCircuit("slow");
        circuit.Hold();
        var destination = registry.GetDestination(Tenant, Booking);
        Assert.True(destination.TryHold(limit: 1));

        _clock.Advance(TimeSpan.FromHours(3));
        registry.GetCircuit("other");

        Assert.Same(circuit, registry.GetCircuit("slow"));
        Assert.Same(destination, registry.GetDestination(Tenant, Booking));
    }

    [Fact]
    public void A_long_circuit_break_keeps_an_idle_breaker_until_its_break_and_sampling_windows_have_passed()
    {
        _options.CircuitBreaker.BreakDuration = TimeSpan.FromHours(2);
        var registry = NewRegistry();
        var open = registry.GetCircuit("broken");
        registry.GetDestination(Tenant, Booking);

        _clock.Advance(TimeSpan.FromMinutes(90));
        registry.GetCircuit("other");
        Assert.True(registry.ContainsCircuit("broken"));

        // The destination holds no breaker: it goes after the idle lifetime as usual.
        Assert.False(registry.ContainsDestination(Tenant, Booking));

        _clock.Advance(TimeSpan.FromMinutes(45));
        registry.GetCircuit("other");
        Assert.False(registry.ContainsCircuit("broken"));
        Assert.NotSame(open, registry.GetCircuit("broken"));
    }

    [Fact]
    public void A_retired_state_is_never_handed_out_again()
    {
        var now = TestServices.Start.UtcTicks;
        var circuit = new WebhookCircuitState(new WebhookCircuitBreaker(static _ => Polly.ResiliencePipeline<WebhookSendResult>.Empty), now);
        var destination = new WebhookDestinationState(4, _clock, now);

        Assert.False(circuit.TryRetire(cutoffTicks: now));
        Assert.True(circuit.TryRetire(cutoffTicks: now + 1));
        Assert.True(destination.TryRetire(cutoffTicks: now + 1));

        Assert.False(circuit.TryTouch(now + 2));
        Assert.False(destination.TryTouch(now + 2));
    }

    private WebhookEndpointRegistry NewRegistry()
    {
        var monitor = Substitute.For<IOptionsMonitor<WebhookOptions>>();
        monitor.CurrentValue.Returns(_options);
        return new WebhookEndpointRegistry(monitor, _clock);
    }
}
