using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>Host-level subscriptions (tenant <see cref="WebhookTenants.All"/>) see every tenant; tenants never see each other.</summary>
public sealed class WebhookPublisherAllTenantsTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_host_level_subscription_receives_every_tenants_events_and_a_tenant_only_its_own()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));
        await host.Subscriptions.CreateAsync(WebhookTenants.All, new WebhookSubscriptionRequest { Url = _receiver.Url("/host").ToString(), EventTypes = ["*"] });
        await host.Subscriptions.CreateAsync("family-1", new WebhookSubscriptionRequest { Url = _receiver.Url("/family-1").ToString(), EventTypes = ["*"] });

        var one = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: "family-1");
        var two = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: "family-2");

        Assert.Equal(2, one.DeliveryCount);
        Assert.Equal(1, two.DeliveryCount);
        await _receiver.WaitForCountAsync(3);
        Assert.Equal(2, _receiver.Received.Count(r => r.Path == "/host"));
        Assert.Equal(one.EventId, Assert.Single(_receiver.Received, r => r.Path == "/family-1").WebhookId);
        // The log stays tenant-scoped: family-2's delivery to the host endpoint is in family-2's log, not family-1's.
        await host.WaitForDeliveryStatusAsync("family-2", two.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Empty((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "family-1", MessageId = two.EventId })).Items);
    }

    [Fact]
    public async Task Events_cannot_be_published_to_the_host_level_tenant()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: WebhookTenants.All));

        Assert.Contains("host-level", error.Message, StringComparison.Ordinal);
    }
}
