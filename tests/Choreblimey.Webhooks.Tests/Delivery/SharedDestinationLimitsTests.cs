using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// The concurrency cap, the hold limit and the rate limit are the destination URL's: subscriptions that send to one URL
/// (a destination map's routes falling back to one key) share them, so the URL never takes more than the configured
/// limits however many subscriptions send to it.
/// </summary>
public sealed class SharedDestinationLimitsTests() : StandingClockDeliveryTests("family-shared")
{
    private int _inFlight;
    private int _mostInFlight;

    private async Task<WebhookSubscription> SubscribeAsync(WebhookTestHost host, string path, double? rate = null) =>
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = Receiver.Url(path).ToString(), EventTypes = ["*"], RateLimitPerSecond = rate });

    private async Task PublishAsync(WebhookTestHost host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await host.Publisher.PublishAsync("booking.created", new { OrderId = $"order-{i}" }, tenantId: Tenant);
        }
    }

    private static bool Succeeded(WebhookDelivery delivery) => delivery.Status == WebhookDeliveryStatus.Succeeded;

    [Fact]
    public async Task Two_subscriptions_to_one_url_share_its_concurrency_cap_and_hold_limit()
    {
        Receiver.Respond = async (_, _) =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _mostInFlight, now);
            try
            {
                await Answer.Task;
                return 200;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        };
        // The attempts time out on the test clock the wait below steps; a minute (five minutes of lease) leaves each loopback
        // send hundreds of steps to be answered in, however slow the machine.
        var host = await StartAsync("booking.created", o =>
        {
            o.MaxConcurrentDeliveriesPerEndpoint = 1;
            o.AttemptTimeout = TimeSpan.FromMinutes(1);
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        await SubscribeAsync(host, "/make");
        await SubscribeAsync(host, "/make");

        // Three events to each subscription: six deliveries to one URL.
        await PublishAsync(host, 3);

        // The URL has one request open and one lease waiting for its slot; the other four are handed back. Keyed by
        // subscription, each subscription had its own slot and hold limit: two requests open, four leases held.
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                var deliveries = await DeliveriesAsync(host);
                return deliveries.Count(HandedBackUnsent) == 4 && deliveries.Count(d => d.LeaseOwner is not null) == 2 && Volatile.Read(ref _inFlight) == 1;
            },
            "one request open, two deliveries held and four handed back");

        Answer.SetResult();
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                // One poll interval a step: the handed-back deliveries fall due one by one.
                Clock.Advance(TimeSpan.FromMilliseconds(200));
                return (await DeliveriesAsync(host)).All(Succeeded);
            },
            "all six deliveries to succeed");
        Assert.Equal(1, Volatile.Read(ref _mostInFlight));
        Assert.Equal(6, Receiver.Received.Count);
    }

    [Fact]
    public async Task Two_subscriptions_to_one_url_with_one_rate_limit_share_its_token_bucket()
    {
        var host = await StartAsync("booking.created");
        await SubscribeAsync(host, "/make", rate: 2);
        await SubscribeAsync(host, "/make", rate: 2);

        await PublishAsync(host, 2);

        // One second's worth (2) for the URL, not for each subscription: the other two wait for tokens.
        await WebhookTestHost.EventuallyAsync(
            async () => await DeliveriesAsync(host) is var deliveries && deliveries.Count(HandedBackUnsent) == 2 && deliveries.Count(Succeeded) == 2,
            "two deliveries sent and two handed back for tokens");
        Assert.Equal(2, Receiver.Received.Count);
    }

    [Fact]
    public async Task Subscriptions_to_one_url_with_different_rate_limits_are_each_held_to_their_own()
    {
        var host = await StartAsync("booking.created");
        var slow = await SubscribeAsync(host, "/make", rate: 1);
        var fast = await SubscribeAsync(host, "/make", rate: 2);

        await PublishAsync(host, 3);

        await WebhookTestHost.EventuallyAsync(
            async () => await DeliveriesAsync(host) is var deliveries && deliveries.Count(HandedBackUnsent) == 3 && deliveries.Count(Succeeded) == 3,
            "three deliveries sent and three handed back for tokens");
        var succeeded = (await DeliveriesAsync(host)).Where(Succeeded).ToList();
        Assert.Equal((1, 2), (succeeded.Count(d => d.SubscriptionId == slow.Id), succeeded.Count(d => d.SubscriptionId == fast.Id)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
