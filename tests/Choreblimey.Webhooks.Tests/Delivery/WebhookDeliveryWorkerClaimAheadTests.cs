using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// While a backlog is worked through, the worker claims the next batch when the leases it claimed ahead are down to half a
/// batch, not once they have run out, so that its slots do not wait for a claim's round trip; deliveries keep their order.
/// </summary>
public sealed class WebhookDeliveryWorkerClaimAheadTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private const int BatchSize = 4;
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task The_next_batch_is_claimed_while_half_a_batch_is_still_ahead()
    {
        const int Events = 12;
        var answers = new SemaphoreSlim(0);
        _receiver.Respond = async (context, _) =>
        {
            await answers.WaitAsync(context.RequestAborted);
            return 204;
        };
        var (store, watcher) = ClaimWatchingStore.Create();
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks
                .AddEvent("chore:created", "Chores")
                .Configure(o =>
                {
                    o.MaxConcurrentDeliveries = 1;
                    o.MaxConcurrentDeliveriesPerEndpoint = 1;
                    o.ClaimBatchSize = BatchSize;
                }),
            services => services.AddSingleton(store));
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["chore:*"] });
        var published = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            published.Add((await host.Publisher.PublishAsync("chore:created", new { ChoreId = $"c{i}" }, tenantId: Tenant)).EventId!);
        }

        // One send slot. The first claim asks for the free slot and comes back full (a backlog), so the second, made when
        // that delivery is answered, asks for the slot and a batch ahead: deliveries 2 to 6, four of them ahead.
        watcher.OpenClaims();
        answers.Release();
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(watcher.Claims.Count == 2), "the second claim");
        Assert.Equal([1, 1 + BatchSize], watcher.Claims.Select(c => c.MaxCount));

        // Deliveries 2 and 3 answered: two leases are left ahead, half a batch. When delivery 4 is answered, the third claim
        // is made while deliveries 5 and 6 are still ahead; before, it waited until 6 had been answered and none was left.
        answers.Release(3);
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(watcher.Claims.Count == 3), "a third claim, made while half a batch was still ahead", TimeSpan.FromSeconds(10));
        Assert.Equal(BatchSize, watcher.Claims[2].MaxCount);
        Assert.True(_receiver.Received.Count <= 4, $"{_receiver.Received.Count} deliveries answered before the third claim; at most 4 were let through.");

        answers.Release(Events);
        await _receiver.WaitForCountAsync(Events);
        Assert.Equal(published, _receiver.Received.Select(r => r.Headers["webhook-id"]));
    }
}
