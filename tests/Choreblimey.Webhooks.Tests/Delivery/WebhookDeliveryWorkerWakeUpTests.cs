using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// The idle worker sleeps until the earliest due time it saw, or the poll interval. A retry recorded (or a lease handed
/// back) after it went to sleep can be due earlier than that: the worker must wake and look again, not oversleep until its
/// timer or the next poll. The clock is fake, so an oversleep shows as a retry that never comes.
/// </summary>
public sealed class WebhookDeliveryWorkerWakeUpTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly WebhookTestClock _clock = new(T0);
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_retry_recorded_while_the_worker_sleeps_wakes_it_for_its_earlier_due_time()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 503 : 200);
        var (store, gate) = RecordGatedStore.Create();
        using var disposeGate = gate;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton(store);
        builder.Services
            .AddWebhooks(o =>
            {
                // The retry falls due a minute after the first attempt; the sleeping worker's own timer is the poll, five.
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(1));
                o.Retry.JitterFactor = 0;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromMinutes(10);
                o.PollInterval = TimeSpan.FromMinutes(5);
                o.CircuitBreaker.Enabled = false;
                o.MaxConcurrentDeliveries = 1;
                o.MaxConcurrentDeliveriesPerEndpoint = 1;
            })
            .AddEvent("chore:created", "Chores")
            .AllowLoopback();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
                Tenant,
                new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["chore:*"] });
            var receipt = await host.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);

            // The first attempt failed and its record waits at the gate; meanwhile the worker found nothing due and went to
            // sleep, having seen only the leased delivery (due again when its lease expires, ten minutes on).
            await WebhookTestHost.EventuallyAsync(
                () => Task.FromResult(_receiver.Received.Count == 1 && gate.Waiting == 1 && gate.NextDueQueries > 0),
                "the first attempt's record to wait while the worker sleeps");

            gate.Allow(2);
            await WebhookTestHost.EventuallyAsync(
                async () => (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().AttemptCount == 1,
                "the retry to be recorded");

            _clock.Advance(TimeSpan.FromMinutes(1));

            try
            {
                await WebhookTestHost.EventuallyAsync(
                    async () => (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().Status == WebhookDeliveryStatus.Succeeded,
                    "the retry to be sent a minute later, not at the worker's five-minute poll");
            }
            catch (TimeoutException timeout)
            {
                // Rare under a loaded full-suite run: say where the delivery and the worker's gate stood.
                var stuck = (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single();
                throw new TimeoutException(
                    $"{timeout.Message} Delivery: {stuck.Status}, {stuck.AttemptCount} attempt(s), next at {stuck.NextAttemptAt:O}, lease owner {stuck.LeaseOwner ?? "none"}; " +
                    $"clock {_clock.GetUtcNow():O}; requests received {_receiver.Received.Count}; records waiting {gate.Waiting}, recorded {gate.Recorded}, due-time queries {gate.NextDueQueries}.",
                    timeout);
            }
            Assert.Equal(2, _receiver.Received.Count);
            var attempts = await store.GetAttemptsAsync(Tenant, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single().Id);
            Assert.Equal([T0, T0 + TimeSpan.FromMinutes(1)], attempts.Select(a => a.StartedAt));
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stop.Token);
        }
    }
}
