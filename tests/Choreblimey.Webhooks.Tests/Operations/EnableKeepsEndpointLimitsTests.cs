using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>
/// Enabling a subscription closes its circuit, but its destination's concurrency cap and rate limit go on counting what is
/// already in flight and already spent: a fresh set would let the attempts in flight plus new ones exceed the cap, and give
/// the rate limiter a second burst.
/// </summary>
public sealed class EnableKeepsEndpointLimitsTests
{
    private const string Tenant = "family-enable";
    private const double Rate = 2;

    private static readonly WebhookSendResult Failed = new(WebhookAttemptOutcome.HttpError, 500, null, "boom", TimeSpan.Zero, null);
    private static readonly WebhookSendResult Succeeded = new(WebhookAttemptOutcome.Succeeded, 200, null, null, TimeSpan.Zero, null);

    [Fact]
    public async Task Enable_closes_the_circuit_and_keeps_the_slots_and_the_rate_limiter_of_the_attempts_in_flight()
    {
        var clock = new WebhookTestClock(TestServices.Start);
        await using var services = TestServices.Build(
            w => w.AddEvent("chore:created", "Chores"),
            o =>
            {
                o.MaxConcurrentDeliveriesPerEndpoint = 1;
                o.CircuitBreaker.Enabled = true;
                o.CircuitBreaker.MinimumThroughput = 2;
                o.CircuitBreaker.FailureRatio = 1.0;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            },
            clock);
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();
        var subscription = await manager.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://hooks.example.com/enable", EventTypes = ["*"], RateLimitPerSecond = Rate });
        var registry = services.GetRequiredService<WebhookEndpointRegistry>();

        // As the worker leaves it: one attempt in flight (holding the URL's only slot and a token), and two failures that
        // opened the subscription's circuit.
        var url = subscription.Url;
        var destination = registry.GetDestination(subscription.TenantId, url);
        var limiter = destination.GetRateLimiter(Rate);
        Assert.True(limiter.TryAcquire(out _));
        await destination.Slots.WaitAsync();
        var before = registry.GetCircuit(subscription.Id);
        for (var i = 0; i < 2; i++)
        {
            await before.Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Failed));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await before.Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Succeeded)));

        await manager.PauseAsync(Tenant, subscription.Id);
        Assert.True(await services.GetRequiredService<IWebhookOperations>().EnableSubscriptionAsync(Tenant, subscription.Id));

        var after = registry.GetCircuit(subscription.Id);

        // The attempt in flight still holds the URL's only slot: a new one waits for it rather than running beside it.
        Assert.Same(destination, registry.GetDestination(subscription.TenantId, url));
        Assert.Equal(0, destination.Slots.CurrentCount);

        // The same bucket, with the token already spent: no second burst.
        Assert.Same(limiter, registry.GetDestination(subscription.TenantId, url).GetRateLimiter(Rate));
        Assert.Equal(1, limiter.GetStatistics().CurrentAvailablePermits);

        // The circuit is closed: the next attempt is sent.
        var result = await after.Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Succeeded));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, result.Outcome);
    }
}
