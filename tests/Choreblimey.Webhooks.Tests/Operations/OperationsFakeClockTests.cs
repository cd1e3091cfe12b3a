using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>
/// Operations and the health check on a fake clock, with a real loopback receiver. The clock is only moved while no attempt
/// is in flight (the per-attempt timeout runs on it too).
/// </summary>
public sealed class OperationsFakeClockTests : IAsyncLifetime
{
    private const string Tenant = "family-clock";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly WebhookTestClock _clock = new(T0);
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private Task<WebhookTestHost> StartHostAsync(Action<WebhookOptions>? configure = null) =>
        WebhookTestHost.StartAsync(
            builder =>
            {
                builder.AddEvent("chore:created", "Chores");
                if (configure is not null)
                {
                    builder.Configure(configure);
                }
            },
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddHealthChecks().AddWebhooksHealthCheck();
            });

    private static async Task<WebhookDelivery> WaitForAsync(WebhookTestHost host, string messageId, Func<WebhookDelivery, bool> condition, string what)
    {
        WebhookDelivery? found = null;
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var page = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = messageId });
            found = page.Items.SingleOrDefault();
            return found is not null && condition(found);
        }, what);
        return found!;
    }

    [Fact]
    public async Task Enabling_a_subscription_edited_while_disabled_sends_the_deliveries_it_held_at_once()
    {
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/gone" ? 410 : 200);
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/gone").ToString(), EventTypes = ["chore:*"] });
        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await host.WaitForDeliveryStatusAsync(Tenant, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForSubscriptionStateAsync(Tenant, subscription.Id, WebhookSubscriptionState.Disabled, "the 410 to disable the subscription");

        // Published while disabled: routed, then set aside by the worker until the recheck interval.
        var held = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Tenant);
        Assert.Equal(1, held.DeliveryCount);
        var recheck = new WebhookOptions().InactiveSubscriptionRecheckInterval;
        var heldDelivery = await WaitForAsync(host, held.EventId!, d => d.LeaseOwner is null && d.NextAttemptAt == T0 + recheck, "the worker to hold the delivery until the recheck");

        // The owner fixes the URL a minute later, which moves UpdatedAt past the held delivery; the subscription stays disabled.
        _clock.Advance(TimeSpan.FromMinutes(1));
        var updated = await host.Subscriptions.UpdateAsync(Tenant, subscription.Id, new WebhookSubscriptionUpdate { Url = _receiver.Url("/fixed").ToString() });
        Assert.Equal(WebhookSubscriptionState.Disabled, updated!.State);
        Assert.True(updated.UpdatedAt > heldDelivery.CreatedAt);

        Assert.True(await host.Services.GetRequiredService<IWebhookOperations>().EnableSubscriptionAsync(Tenant, subscription.Id));

        // Delivered without the clock reaching the recheck.
        var delivered = await host.WaitForDeliveryStatusAsync(Tenant, held.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(T0 + TimeSpan.FromMinutes(1), Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivered.Id)).StartedAt);
        Assert.Single(_receiver.Received, r => r.Path == "/fixed");

        // The dead letter that got it disabled stays dead: enabling is not RecoverAsync.
        Assert.Single(_receiver.Received, r => r.Path == "/gone");
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, (await WaitForAsync(host, first.EventId!, _ => true, "the first delivery")).Status);
    }

    [Fact]
    public async Task A_failed_test_send_leaves_the_health_check_healthy_and_the_backlog_empty()
    {
        _receiver.Respond = (_, _) => Task.FromResult(500);
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });

        var result = await host.Services.GetRequiredService<IWebhookOperations>().SendTestAsync(Tenant, subscription.Id);

        Assert.Equal((WebhookAttemptOutcome.HttpError, 500), (result.Outcome, result.StatusCode));
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, (await host.Store.GetDeliveryAsync(Tenant, result.DeliveryId))!.Status);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(0L, report.Entries["webhooks"].Data["deadLettered"]);
        Assert.Equal(0L, report.Entries["webhooks"].Data["pending"]);
        var monitor = host.Services.GetServices<IHostedService>().OfType<WebhookBacklogMonitor>().Single();
        Assert.Equal(new WebhookBacklog(0, null, 0), await monitor.SampleAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_health_check_is_degraded_then_unhealthy_as_the_oldest_pending_delivery_ages()
    {
        _receiver.Respond = (_, _) => Task.FromResult(503);
        await using var host = await StartHostAsync(options =>
        {
            options.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(3));
            options.Monitoring.DegradedBacklogAge = TimeSpan.FromMinutes(10);
            options.Monitoring.UnhealthyBacklogAge = TimeSpan.FromHours(1);
        });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await WaitForAsync(host, receipt.EventId!, d => d.AttemptCount == 1 && d.Status == WebhookDeliveryStatus.Pending, "the first attempt to fail and be rescheduled");

        async Task<(HealthStatus Status, double AgeSeconds)> CheckAsync()
        {
            var report = await health.CheckHealthAsync();
            var entry = report.Entries["webhooks"];
            Assert.Equal(1L, entry.Data["pending"]);
            return (report.Status, (double)entry.Data["oldestPendingAgeSeconds"]);
        }

        Assert.Equal((HealthStatus.Healthy, 0), await CheckAsync());
        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal((HealthStatus.Healthy, 599), await CheckAsync());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((HealthStatus.Degraded, 600), await CheckAsync());
        _clock.Advance(TimeSpan.FromMinutes(50) - TimeSpan.FromSeconds(1));
        Assert.Equal((HealthStatus.Degraded, 3599), await CheckAsync());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((HealthStatus.Unhealthy, 3600), await CheckAsync());
    }
}
