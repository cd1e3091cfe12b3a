using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// Recording an outcome does not hold the attempt's send slot: while a store commit is slow, the next delivery is already
/// being sent. The deliveries waiting for their records are bounded by four per send slot.
/// </summary>
public sealed class WebhookDeliveryWorkerRecordingTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task The_next_delivery_is_sent_while_the_previous_outcome_waits_for_its_record()
    {
        var (store, gate) = RecordGatedStore.Create();
        using var disposeGate = gate;
        await using var host = await StartAsync(store);
        var first = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        var second = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: Tenant);

        // One send slot: the second request can only arrive once the first attempt gave its slot back, and the first
        // record is still held at the gate.
        await WebhookTestHost.EventuallyAsync(
            () => Task.FromResult(_receiver.Received.Count == 2 && gate.Waiting >= 1),
            "the second delivery sent while the first record waits");
        Assert.Equal(0, gate.Recorded);

        gate.Allow(2);
        await host.WaitForDeliveryStatusAsync(Tenant, first.EventId!, WebhookDeliveryStatus.Succeeded);
        await host.WaitForDeliveryStatusAsync(Tenant, second.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(2, gate.Recorded);
    }

    [Fact]
    public async Task Deliveries_waiting_for_their_records_are_bounded_by_four_per_send_slot()
    {
        const int Events = 10;
        const int Permits = 4;
        var (store, gate) = RecordGatedStore.Create();
        using var disposeGate = gate;
        await using var host = await StartAsync(store);
        var receipts = new List<WebhookPublishReceipt>();
        for (var i = 0; i < Events; i++)
        {
            receipts.Add(await host.Publisher.PublishAsync("chore:created", new { ChoreId = $"c{i}" }, tenantId: Tenant));
        }

        // With one send slot and four recording permits, at most five deliveries are past their claim at once: four waiting
        // for their records, one sent and waiting for a permit. Each record let through lets exactly one more send happen.
        for (var recorded = 0; recorded < Events; recorded++)
        {
            var expectedSent = Math.Min(Events, recorded + Permits + 1);
            var expectedWaiting = Math.Min(Permits, Events - recorded);
            var done = recorded;
            await WebhookTestHost.EventuallyAsync(
                () => Task.FromResult(_receiver.Received.Count == expectedSent && gate.Waiting == expectedWaiting && gate.Recorded == done),
                $"{expectedSent} sent and {expectedWaiting} records waiting after {done} recorded");
            Assert.True(_receiver.Received.Count - gate.Recorded <= Permits + 1, $"{_receiver.Received.Count} sent with {gate.Recorded} recorded.");
            gate.Allow();
        }

        foreach (var receipt in receipts)
        {
            await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        }

        Assert.Equal(Events, _receiver.Received.Count);
    }

    private async Task<WebhookTestHost> StartAsync(IWebhookStore store)
    {
        var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks
                .AddEvent("chore:created", "Chores")
                .Configure(o =>
                {
                    o.MaxConcurrentDeliveries = 1;
                    o.MaxConcurrentDeliveriesPerEndpoint = 1;
                }),
            services => services.AddSingleton(store));
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["chore:*"] });
        return host;
    }
}
