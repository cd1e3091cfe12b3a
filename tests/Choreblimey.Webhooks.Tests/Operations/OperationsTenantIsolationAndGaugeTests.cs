using System.Diagnostics.Metrics;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The operations API never crosses tenants, and the backlog reaches dashboards through the meter.</summary>
public sealed class OperationsTenantIsolationAndGaugeTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Another_tenant_sees_nothing_of_the_log_stats_usage_replay_tests_or_coverage()
    {
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/bad" ? 500 : 200);
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .Configure(o => o.Retry.UseSchedule(TimeSpan.Zero)));
        var operations = host.Services.GetRequiredService<IWebhookOperations>();
        var good = await host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = _receiver.Url("/good").ToString(), EventTypes = ["*"] });
        var bad = await host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = _receiver.Url("/bad").ToString(), EventTypes = ["*"] });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: "tenant-a");
        var dead = await host.WaitForDeliveryStatusAsync("tenant-a", receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForDeliveryStatusAsync("tenant-a", receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        var from = DateTimeOffset.UtcNow.AddHours(-1);
        var before = DateTimeOffset.UtcNow.AddHours(1);

        // Tenant A sees its own operations data.
        Assert.Equal(2, (await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = "tenant-a" })).Items.Count);
        Assert.Equal(2, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a" })).Total);
        Assert.Equal(1, (await operations.GetUsageAsync("tenant-a", from, before)).EventsPublished);

        // Tenant B, even with A's ids, sees none of it and changes none of it.
        Assert.Empty((await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = "tenant-b" })).Items);
        Assert.Empty((await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = "tenant-b", SubscriptionId = bad.Id, MessageId = receipt.EventId })).Items);
        Assert.Null(await operations.GetAsync("tenant-b", dead.Id));
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-b" })).Total);
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-b", SubscriptionId = good.Id })).Total);
        var usage = await operations.GetUsageAsync("tenant-b", from, before);
        Assert.Equal((0, 0), (usage.EventsPublished, usage.Deliveries));
        Assert.False(await operations.RetryAsync("tenant-b", dead.Id));
        Assert.Equal(0, await operations.RecoverAsync("tenant-b", bad.Id, from));
        Assert.False(await operations.EnableSubscriptionAsync("tenant-b", bad.Id));
        await Assert.ThrowsAsync<WebhookOperationException>(async () => await operations.SendTestAsync("tenant-b", good.Id));
        Assert.Equal(0, (await operations.GetCoverageAsync("tenant-b")).Published);

        // The host's scope "*" reaches a host-level subscription's deliveries in every tenant, not a tenant's subscription.
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = WebhookTenants.All, SubscriptionId = bad.Id })).Total);
        Assert.Empty((await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = WebhookTenants.All, SubscriptionId = bad.Id })).Items);
        Assert.Equal(0, await operations.RecoverAsync(WebhookTenants.All, bad.Id, from));

        Assert.Equal(WebhookDeliveryStatus.DeadLettered, (await host.Store.GetDeliveryAsync("tenant-a", dead.Id))!.Status);
        Assert.Single(_receiver.Received, r => r.Path == "/bad");
        Assert.Single(_receiver.Received, r => r.Path == "/good");
    }

    [Fact]
    public async Task The_pending_backlog_and_its_oldest_age_are_reported_as_gauges()
    {
        _receiver.Respond = (_, _) => Task.FromResult(503);
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .Configure(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1))));
        await host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] });
        for (var i = 0; i < 3; i++)
        {
            await host.Publisher.PublishAsync("chore:created", new { Id = i }, tenantId: "tenant-a");
        }

        await _receiver.WaitForCountAsync(3);
        await WebhookTestHost.EventuallyAsync(async () =>
            (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", FailingOnly = true })).Items.Count == 3,
            "three deliveries waiting for their retry");

        var meter = host.Services.GetRequiredService<WebhookMetrics>().Meter;
        var measured = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();

        await host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookBacklogMonitor>().Single().SampleAsync(CancellationToken.None);
        listener.RecordObservableInstruments();

        Assert.Equal(3, measured["webhooks.deliveries.pending"]);
        Assert.True(measured["webhooks.deliveries.oldest_pending_age"] >= 0);
    }
}
