using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>A host-level subscription (tenant <c>*</c>) holds every tenant's deliveries while disabled; enabling it releases them.</summary>
public sealed class HostLevelEnableTests
{
    private const string Family = "family-host";

    [Fact]
    public async Task Enabling_a_host_level_subscription_makes_its_held_deliveries_due()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var gone = true;
        receiver.Respond = (_, _) => Task.FromResult(Volatile.Read(ref gone) ? 410 : 200);
        await using var host = await WebhookTestHost.StartAsync(w => w.AddEvent("chore:created", "Chores"));
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var sub = await host.Subscriptions.CreateAsync(WebhookTenants.All, new WebhookSubscriptionRequest { Url = receiver.Url().ToString(), EventTypes = ["chore:*"] });

        // A 410 disables the host-level subscription; the next event is routed to it and held.
        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForSubscriptionStateAsync(WebhookTenants.All, sub.Id, WebhookSubscriptionState.Disabled, "the disable");
        Volatile.Write(ref gone, false);
        var held = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Family);
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var d = (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = held.EventId })).Items.Single();
            return d.LeaseOwner is null && d.NextAttemptAt > clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        }, "the delivery to be held for the recheck interval");

        Assert.True(await host.Services.GetRequiredService<IWebhookOperations>().EnableSubscriptionAsync(WebhookTenants.All, sub.Id));

        // Sent at once. Before the fix the re-queue looked for deliveries of tenant '*', which none has (they carry their
        // events' tenants), so the held one waited out the recheck interval (5 minutes).
        await host.WaitForDeliveryStatusAsync(Family, held.EventId!, WebhookDeliveryStatus.Succeeded, TimeSpan.FromSeconds(5));
    }
}
