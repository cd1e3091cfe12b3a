using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

public sealed class PauseResumeAndRateLimitDeliveryTests : IAsyncLifetime
{
    private const string Tenant = "shop";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync() =>
        WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("item.low_stock", "Inventory"));

    [Fact]
    public async Task Resume_makes_held_pending_deliveries_due_now()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 503 : 200);
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["*"],
            RetrySchedule = [TimeSpan.Zero, TimeSpan.FromHours(1)],
        });
        var receipt = await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk" }, tenantId: Tenant);
        await WebhookTestHost.EventuallyAsync(async () =>
            (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().AttemptCount == 1,
            "the first attempt to fail");
        await host.Subscriptions.PauseAsync(Tenant, subscription.Id);
        Assert.Equal(0, (await host.Publisher.PublishAsync("item.low_stock", new { Sku = "eggs" }, tenantId: Tenant)).DeliveryCount);

        await host.Subscriptions.ResumeAsync(Tenant, subscription.Id);

        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(2, delivery.AttemptCount);
    }

    [Fact]
    public async Task Resume_releases_deliveries_the_worker_held_while_the_subscription_was_paused()
    {
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] });
        await host.Subscriptions.PauseAsync(Tenant, subscription.Id);
        var now = DateTimeOffset.UtcNow;
        await host.Store.InsertMessageAsync(
            new WebhookMessage { Id = "msg_held", TenantId = Tenant, EventType = "item.low_stock", Timestamp = now, Data = """{"sku":"milk"}"""u8.ToArray() },
            [new WebhookDelivery { Id = "dlv_held", TenantId = Tenant, MessageId = "msg_held", SubscriptionId = subscription.Id, EventType = "item.low_stock", NextAttemptAt = now }]);
        await WebhookTestHost.EventuallyAsync(
            async () => (await host.Store.GetDeliveryAsync(Tenant, "dlv_held"))!.NextAttemptAt > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3),
            "the worker to hold the delivery of the paused subscription");
        Assert.Empty(_receiver.Received);

        await host.Subscriptions.ResumeAsync(Tenant, subscription.Id);

        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, "msg_held", WebhookDeliveryStatus.Succeeded);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task The_rate_limit_spaces_deliveries_on_the_clock_without_counting_extra_attempts()
    {
        // The harness's test clock drives the worker; deliveries still go over real HTTP to the loopback receiver.
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("item.low_stock", "Inventory"),
            services => services.AddWebhooksTestHarness(o => o.InterceptHttp = false));
        var harness = host.Services.GetRequiredService<IWebhookTestHarness>();
        var start = harness.Clock!.GetUtcNow();
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"], RateLimitPerSecond = 4 });

        for (var i = 0; i < 8; i++)
        {
            await host.Publisher.PublishAsync("item.low_stock", new { Sku = i }, tenantId: Tenant);
        }

        // One second's burst goes at once; the rest are handed back, due when the next token will be, and wait for the clock.
        await harness.WaitForIdleAsync();
        Assert.Equal(4, _receiver.Received.Count);
        Assert.Equal(4, harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Pending && d.Attempts.Count == 0));

        var steps = new List<TimeSpan>();
        while (await harness.AdvanceToNextDueAsync() is { } now)
        {
            steps.Add(now - start);
        }

        // Then one every quarter second: 4 per second.
        Assert.Equal([TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1)], steps);
        Assert.Equal(8, _receiver.Received.Count);
        var attempts = harness.Deliveries.Select(d => Assert.Single(d.Attempts)).ToList();
        Assert.All(harness.Deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1)],
            attempts.Select(a => a.StartedAt - start).Order());
    }
}
