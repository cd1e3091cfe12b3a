using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookEndpointRegistryTests
{
    private readonly WebhookTestClock _clock = new(TestServices.Start);
    private readonly WebhookOptions _options = new();

    [Fact]
    public void State_unused_for_the_idle_lifetime_is_dropped_at_the_next_sweep()
    {
        var registry = NewRegistry();
        registry.Get("deleted-elsewhere");

        _clock.Advance(WebhookEndpointRegistry.IdleLifetime + WebhookEndpointRegistry.SweepInterval);
        registry.Get("other");

        Assert.False(registry.Contains("deleted-elsewhere"));
        Assert.True(registry.Contains("other"));
        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public void State_used_within_the_idle_lifetime_is_kept_as_it_was()
    {
        var registry = NewRegistry();
        var first = registry.Get("busy");

        _clock.Advance(WebhookEndpointRegistry.IdleLifetime - TimeSpan.FromMinutes(5));
        Assert.Same(first, registry.Get("busy"));
        _clock.Advance(TimeSpan.FromMinutes(30));
        registry.Get("other");

        Assert.Same(first, registry.Get("busy"));
    }

    [Fact]
    public void State_holding_a_lease_is_never_dropped_however_long_it_waits()
    {
        var registry = NewRegistry();
        var held = registry.Get("slow");
        Assert.True(held.TryHold(limit: 1));

        _clock.Advance(TimeSpan.FromHours(3));
        registry.Get("other");

        Assert.Same(held, registry.Get("slow"));
    }

    [Fact]
    public void A_long_circuit_break_keeps_idle_state_until_its_break_and_sampling_windows_have_passed()
    {
        _options.CircuitBreaker.BreakDuration = TimeSpan.FromHours(2);
        var registry = NewRegistry();
        var open = registry.Get("broken");

        _clock.Advance(TimeSpan.FromMinutes(90));
        registry.Get("other");
        Assert.True(registry.Contains("broken"));

        _clock.Advance(TimeSpan.FromMinutes(45));
        registry.Get("other");
        Assert.False(registry.Contains("broken"));
        Assert.NotSame(open, registry.Get("broken"));
    }

    [Fact]
    public void A_retired_state_is_never_handed_out_again()
    {
        var now = TestServices.Start.UtcTicks;
        var state = new WebhookEndpointState(4, Polly.ResiliencePipeline<WebhookSendResult>.Empty, now);

        Assert.False(state.TryRetire(cutoffTicks: now));
        Assert.True(state.TryRetire(cutoffTicks: now + 1));

        Assert.False(state.TryTouch(now + 2));
    }

    private WebhookEndpointRegistry NewRegistry()
    {
        var monitor = Substitute.For<IOptionsMonitor<WebhookOptions>>();
        monitor.CurrentValue.Returns(_options);
        return new WebhookEndpointRegistry(monitor, _clock);
    }
}
