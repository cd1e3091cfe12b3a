using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>Two instances over one store: instance A creates a subscription and publishes; instance B's worker delivers.</summary>
public sealed class StaleRouterCacheTests
{
    private const string Tenant = "family-stale";

    [Fact]
    public async Task A_delivery_for_a_subscription_created_on_another_instance_is_not_dead_lettered_by_a_stale_cache()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var store = new InMemoryWebhookStore();
        var clock = new WebhookTestClock(TestServices.Start);

        // Instance B: a running worker.
        await using var b = await WebhookTestHost.StartAsync(
            w => w.AddEvent("chore:created", "Chores").UseStore(_ => store),
            s => s.AddSingleton<TimeProvider>(clock));

        // Instance A: same store, no background services.
        await using var a = TestServices.Build(w => w.AddEvent("chore:created", "Chores").UseStore(_ => store).AllowLoopback(), clock: clock);

        // B publishes for the tenant (no subscription yet): its routing cache now holds the tenant, fresh for 5 s.
        await b.Publisher.PublishAsync("chore:created", new { Id = 0 }, tenantId: Tenant);

        // A creates a subscription and publishes right away (only A's own cache is invalidated).
        await a.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = receiver.Url().ToString(), EventTypes = ["chore:*"] });
        var receipt = await a.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        Assert.Equal(1, receipt.DeliveryCount);

        // B's worker wakes (a poll, 200 ms later on its clock; a store notification in a SQL deployment) and claims it.
        clock.Advance(TimeSpan.FromMilliseconds(250));
        await WebhookTestHost.EventuallyAsync(async () =>
            (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().AttemptCount > 0,
            "B's worker to try the delivery");

        var delivery = (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single();
        Assert.True(delivery.Status == WebhookDeliveryStatus.Succeeded, $"status {delivery.Status}: {delivery.LastError}");
    }
}
