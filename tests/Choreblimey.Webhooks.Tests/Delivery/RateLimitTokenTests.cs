using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// A subscription's rate-limit token is spent only by a delivery that is sent: one handed back by the endpoint's hold limit
/// or its open circuit leaves the bucket as it was, so the endpoint is not slowed below its configured rate.
/// </summary>
public sealed class RateLimitTokenTests() : StandingClockDeliveryTests("family-tokens")
{
    private async Task<string> PublishAsync(WebhookTestHost host, int id) =>
        (await host.Publisher.PublishAsync("chore:created", new { Id = id }, tenantId: Tenant)).EventId!;

    private static long AvailableTokens(WebhookTestHost host, WebhookSubscription subscription, double rate) =>
        host.Services.GetRequiredService<WebhookEndpointRegistry>().GetDestination(subscription.TenantId, subscription.Url).GetRateLimiter(rate).GetStatistics().CurrentAvailablePermits;

    [Fact]
    public async Task Deliveries_handed_back_by_an_open_circuit_spend_no_tokens()
    {
        const double rate = 2;
        Receiver.Respond = (_, _) => Task.FromResult(500);
        var host = await StartAsync("chore:created", o =>
        {
            // Retries are an hour away: within the test only the breaker decides what is sent.
            o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1));
            o.CircuitBreaker.Enabled = true;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 1.0;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Receiver.Url().ToString(), EventTypes = ["*"], RateLimitPerSecond = rate });

        // Two failed attempts (the whole burst) open the circuit; a second later the bucket is full again, the circuit still open.
        await PublishAsync(host, 1);
        await PublishAsync(host, 2);
        await WebhookTestHost.EventuallyAsync(async () => (await DeliveriesAsync(host)).Count(d => d.AttemptCount == 1) == 2, "the two failed attempts");
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, AvailableTokens(host, subscription, rate));

        await PublishAsync(host, 3);
        await PublishAsync(host, 4);
        await WebhookTestHost.EventuallyAsync(async () => (await DeliveriesAsync(host)).Count(HandedBackUnsent) == 2, "the open circuit to hand both deliveries back");

        // Before the fix each of them had taken a token first: the bucket was empty, though nothing was sent.
        Assert.Equal(2, AvailableTokens(host, subscription, rate));
        Assert.Equal(2, Receiver.Received.Count);
    }

    [Fact]
    public async Task Deliveries_handed_back_by_the_endpoints_hold_limit_spend_no_tokens()
    {
        const double rate = 10;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Receiver.Respond = async (_, _) =>
        {
            arrived.TrySetResult();
            await Answer.Task;
            return 200;
        };

        // One attempt in flight per endpoint, so the worker holds two leases for it (one sending, one waiting) and hands the rest back.
        var host = await StartAsync("chore:created", o => o.MaxConcurrentDeliveriesPerEndpoint = 1);
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Receiver.Url().ToString(), EventTypes = ["*"], RateLimitPerSecond = rate });

        for (var i = 0; i < 6; i++)
        {
            await PublishAsync(host, i);
        }

        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                var deliveries = await DeliveriesAsync(host);
                return deliveries.Count(HandedBackUnsent) == 4 && deliveries.Count(d => d.LeaseOwner is not null) == 2;
            },
            "two deliveries held and four handed back");

        // Only the two held have tokens (one sending, one waiting for the slot). Before the fix the four handed back kept
        // theirs too, spent for nothing.
        Assert.Equal(8, AvailableTokens(host, subscription, rate));
    }
}
