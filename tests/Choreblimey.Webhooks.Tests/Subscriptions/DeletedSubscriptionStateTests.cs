using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>
/// A deleted subscription leaves nothing behind in the worker's circuit breakers or the failure-streak tracking, so
/// subscription churn does not grow memory. Deleted here, it is dropped at once; deleted by another instance, when the
/// worker finds one of its deliveries' subscription gone. Its destination URL's state (slots, rate limiters) is shared with
/// the other subscriptions to that URL, so it stays until the idle sweep drops it.
/// </summary>
public sealed class DeletedSubscriptionStateTests : IAsyncLifetime
{
    private const string Tenant = "family-churn";
    private readonly WebhookTestClock _clock = new(TestServices.Start);
    private LoopbackReceiver _receiver = null!;
    private WebhookTestHost _host = null!;

    private WebhookEndpointRegistry Endpoints => _host.Services.GetRequiredService<WebhookEndpointRegistry>();

    private WebhookDeliveryObserver Observer => _host.Services.GetRequiredService<WebhookDeliveryObserver>();

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackReceiver.StartAsync();
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/failing" ? 500 : 200);

        // The clock stands still: the failed attempt's retry waits until a test moves it. It falls due 6 s later, after the
        // routing cache (5 s) has lapsed: a clock moved past both stops at the worker's timers on the way, and a retry due
        // earlier could be claimed at one of them, found in the cache and sent again (twice, and it is dead-lettered for its
        // attempts instead of for the missing subscription).
        _host = await WebhookTestHost.StartAsync(
            w => w.AddEvent("chore:created", "Chores").Configure(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6))),
            s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    /// <summary>Creates a subscription and waits until the worker has sent it one attempt and tracked the outcome.</summary>
    private async Task<WebhookSubscription> CreateAndSendAsync(string path)
    {
        var subscription = await _host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url(path).ToString(),
            EventTypes = ["chore:*"],
            RateLimitPerSecond = 10,
        });
        await _host.Publisher.PublishAsync("chore:created", new { Path = path }, tenantId: Tenant);
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(Observer.Tracks(subscription.Id)), $"the attempt to {path} to be tracked");
        Assert.True(Endpoints.ContainsCircuit(subscription.Id));
        Assert.True(Endpoints.ContainsDestination(subscription.TenantId, subscription.Url));
        return subscription;
    }

    [Fact]
    public async Task Deleting_a_subscription_drops_its_breaker_and_failure_tracking()
    {
        var failing = await CreateAndSendAsync("/failing");
        var succeeding = await CreateAndSendAsync("/succeeding");

        Assert.True(await _host.Subscriptions.DeleteAsync(Tenant, failing.Id));
        Assert.True(await _host.Subscriptions.DeleteAsync(Tenant, succeeding.Id));

        Assert.False(Endpoints.ContainsCircuit(failing.Id));
        Assert.False(Observer.Tracks(failing.Id));
        Assert.False(Endpoints.ContainsCircuit(succeeding.Id));
        Assert.False(Observer.Tracks(succeeding.Id));

        // Their URLs' state is the idle sweep's to drop: another subscription may still send there.
        Assert.True(Endpoints.ContainsDestination(failing.TenantId, failing.Url));
        Assert.True(Endpoints.ContainsDestination(succeeding.TenantId, succeeding.Url));
    }

    [Fact]
    public async Task A_subscription_deleted_on_another_instance_is_dropped_when_the_worker_finds_it_gone()
    {
        var failing = await CreateAndSendAsync("/failing");

        // Deleted straight in the shared store, as another instance would: nothing here is told.
        Assert.True(await _host.Store.DeleteSubscriptionAsync(Tenant, failing.Id));

        // To the retry's due time, past the routing cache's duration: the worker claims the retry, finds the subscription
        // gone from the store and dead-letters the delivery.
        _clock.Advance(TimeSpan.FromSeconds(6));
        WebhookDelivery? delivery = null;
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                delivery = (await _host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, SubscriptionId = failing.Id })).Items.Single();
                return delivery.Status == WebhookDeliveryStatus.DeadLettered;
            },
            "the retry to be dead-lettered");
        Assert.Contains("no longer exists", delivery!.LastError, StringComparison.Ordinal);

        // Dropped before the dead letter is recorded.
        Assert.False(Endpoints.ContainsCircuit(failing.Id));
        Assert.False(Observer.Tracks(failing.Id));
    }
}
