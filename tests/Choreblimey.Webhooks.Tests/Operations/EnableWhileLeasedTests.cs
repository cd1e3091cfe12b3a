using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>
/// Enabling a disabled subscription (or resuming a paused one) while a worker holds the lease of one of its deliveries, or
/// after a worker has delivered it: the delivery is neither held for another recheck interval nor sent twice. The store is wrapped so the test decides where the enable lands in the worker's
/// steps; the clock is fake and moved only while no attempt is in flight.
/// </summary>
public sealed class EnableWhileLeasedTests : IAsyncLifetime
{
    private const string Tenant = "family-enable";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Recheck = new WebhookOptions().InactiveSubscriptionRecheckInterval;
    private readonly WebhookTestClock _clock = new(T0);
    private LoopbackReceiver _receiver = null!;
    private volatile bool _gone = true;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackReceiver.StartAsync();
        _receiver.Respond = (_, _) => Task.FromResult(_gone ? 410 : 200);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(WebhookTestHost Host, WebhookSubscription Subscription, string HeldEventId)> StartWithHeldDeliveryAsync(HookedStore.Hooks hooks)
    {
        var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores").UseStore(_ => HookedStore.Wrap(new InMemoryWebhookStore(), hooks)),
            services => services.AddSingleton<TimeProvider>(_clock));
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });

        // A 410 disables the subscription; an event published after that is routed to it and held.
        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await host.WaitForDeliveryStatusAsync(Tenant, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForSubscriptionStateAsync(Tenant, subscription.Id, WebhookSubscriptionState.Disabled, "the 410 to disable the subscription");
        _gone = false;
        var held = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Tenant);
        return (host, subscription, held.EventId!);
    }

    private static async Task<WebhookDelivery> DeliveryOfAsync(WebhookTestHost host, string eventId) =>
        Assert.Single((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = eventId })).Items);

    [Fact]
    public async Task Enabled_while_the_worker_sets_the_delivery_aside_it_is_sent_at_once_not_after_the_recheck()
    {
        var armed = new TaskCompletionSource<(IWebhookOperations Operations, string SubscriptionId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var enabledDuringHold = 0;
        var hooks = new HookedStore.Hooks
        {
            // The worker has seen the subscription disabled and is handing the lease back: the owner enables it right then,
            // so the enable finds the delivery leased and leaves it to the worker.
            BeforeRelease = async _ =>
            {
                var (operations, subscriptionId) = await armed.Task;
                if (Interlocked.Exchange(ref enabledDuringHold, 1) == 0)
                {
                    Assert.True(await operations.EnableSubscriptionAsync(Tenant, subscriptionId));
                }
            },
        };
        var (host, subscription, heldEventId) = await StartWithHeldDeliveryAsync(hooks);
        await using var _ = host;
        armed.SetResult((host.Services.GetRequiredService<IWebhookOperations>(), subscription.Id));

        // The hold happens once the worker claims the held delivery; with the clock never reaching the recheck, only the
        // worker's own second look at the subscription can make it due.
        await host.WaitForDeliveryStatusAsync(Tenant, heldEventId, WebhookDeliveryStatus.Succeeded);

        Assert.Equal(1, enabledDuringHold);
        Assert.Equal(T0, Assert.Single(await host.Store.GetAttemptsAsync(Tenant, (await DeliveryOfAsync(host, heldEventId)).Id)).StartedAt);
        Assert.Single(_receiver.Received, r => r.WebhookId == heldEventId);
    }

    [Fact]
    public async Task Enabled_while_the_worker_is_sending_the_delivery_it_is_not_taken_from_it_and_sent_once()
    {
        var enableReachedRequeue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var letEnableRequeue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new HookedStore.Hooks
        {
            BeforeRequeueMany = async _ =>
            {
                enableReachedRequeue.TrySetResult();
                await letEnableRequeue.Task;
            },
        };
        var (host, subscription, heldEventId) = await StartWithHeldDeliveryAsync(hooks);
        await using var _ = host;
        await WebhookTestHost.EventuallyAsync(
            async () => await DeliveryOfAsync(host, heldEventId) is { LeaseOwner: null } d && d.NextAttemptAt == T0 + Recheck,
            "the worker to hold the delivery until the recheck");

        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (_, _) =>
        {
            requestArrived.TrySetResult();
            await answer.Task;
            return 200;
        };

        // The enable makes the subscription active, then stops before re-queuing; the recheck comes, and the worker, seeing
        // the subscription active, sends the delivery and waits for the receiver.
        var enable = Task.Run(async () => await host.Services.GetRequiredService<IWebhookOperations>().EnableSubscriptionAsync(Tenant, subscription.Id));
        await enableReachedRequeue.Task.WaitAsync(TimeSpan.FromSeconds(15));
        _clock.Advance(Recheck);
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // Now the enable re-queues: the delivery in flight stays with its worker (taking it would send it a second time).
        letEnableRequeue.TrySetResult();
        Assert.True(await enable.WaitAsync(TimeSpan.FromSeconds(15)));
        var inFlight = await DeliveryOfAsync(host, heldEventId);
        Assert.NotNull(inFlight.LeaseOwner);

        answer.TrySetResult();
        await host.WaitForDeliveryStatusAsync(Tenant, heldEventId, WebhookDeliveryStatus.Succeeded);
        Assert.Single(_receiver.Received, r => r.WebhookId == heldEventId);
        Assert.Single(await host.Store.GetAttemptsAsync(Tenant, inFlight.Id));
    }

    [Fact]
    public async Task Enabled_after_the_worker_set_the_delivery_aside_and_delivered_before_its_recheck_it_is_not_made_pending_again()
    {
        // The worker has handed the lease back (held until the recheck) and has not yet read the subscription again. The
        // enable makes the delivery due; the worker's claim loop sends it and records it delivered. Only then does the
        // worker that set it aside read the subscription (active now) and make the subscription's held deliveries due: that
        // must not take a delivered one back to pending, or it is sent twice.
        var armed = new TaskCompletionSource<(WebhookTestHost Host, string SubscriptionId, string HeldEventId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRequeue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = 0;
        var requeues = 0;
        var hooks = new HookedStore.Hooks
        {
            AfterRelease = async _ =>
            {
                var (host, subscriptionId, heldEventId) = await armed.Task;
                if (Interlocked.Exchange(ref released, 1) == 0)
                {
                    Assert.True(await host.Services.GetRequiredService<IWebhookOperations>().EnableSubscriptionAsync(Tenant, subscriptionId));
                    await host.WaitForDeliveryStatusAsync(Tenant, heldEventId, WebhookDeliveryStatus.Succeeded);
                }
            },
            AfterRequeue = () =>
            {
                if (Interlocked.Increment(ref requeues) == 2)
                {
                    secondRequeue.TrySetResult();
                }

                return Task.CompletedTask;
            },
        };
        var (host, subscription, heldEventId) = await StartWithHeldDeliveryAsync(hooks);
        await using var _ = host;
        armed.SetResult((host, subscription.Id, heldEventId));

        // The enable's re-queue, then the worker's own once it has read the subscription again.
        await secondRequeue.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var delivered = await DeliveryOfAsync(host, heldEventId);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, delivered.Status);
        Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivered.Id));
        Assert.Single(_receiver.Received, r => r.WebhookId == heldEventId);
    }

    private async Task<(WebhookTestHost Host, WebhookSubscription Subscription, string HeldEventId)> StartWithPausedDeliveryAsync(HookedStore.Hooks hooks, string subscriptionTenant = Tenant)
    {
        _gone = false;
        var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores").UseStore(_ => HookedStore.Wrap(new InMemoryWebhookStore(), hooks)),
            services => services.AddSingleton<TimeProvider>(_clock));
        var subscription = await host.Subscriptions.CreateAsync(subscriptionTenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });
        await host.Subscriptions.PauseAsync(subscriptionTenant, subscription.Id);

        // A paused subscription is not routed to; this delivery stands for one published just before the pause.
        await host.Store.InsertMessageAsync(
            new WebhookMessage { Id = "msg_held", TenantId = Tenant, EventType = "chore:created", Timestamp = T0, Data = """{"id":1}"""u8.ToArray() },
            [new WebhookDelivery { Id = "dlv_held", TenantId = Tenant, MessageId = "msg_held", SubscriptionId = subscription.Id, EventType = "chore:created", NextAttemptAt = T0, CreatedAt = T0 }]);
        host.Services.GetRequiredService<WebhookWorkerSignal>().Notify(); // as a publish does: the idle worker sleeps on the fake clock
        await WebhookTestHost.EventuallyAsync(
            async () => await DeliveryOfAsync(host, "msg_held") is { LeaseOwner: null } d && d.NextAttemptAt == T0 + Recheck,
            "the worker to hold the paused subscription's delivery until the recheck");
        return (host, subscription, "msg_held");
    }

    [Fact]
    public async Task Resumed_after_the_recheck_delivered_the_held_delivery_it_is_not_made_pending_again()
    {
        // The resume has made the subscription active and is about to make its held deliveries due. Right then the recheck
        // comes: the worker claims the delivery, finds the subscription active and delivers it. The resume's re-queue that
        // follows must leave a delivered one alone, or it is sent twice.
        var armed = new TaskCompletionSource<(WebhookTestHost Host, string HeldEventId)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var raced = 0;
        async Task DeliverFirstAsync()
        {
            var (host, heldEventId) = await armed.Task;
            if (Interlocked.Exchange(ref raced, 1) == 0)
            {
                _clock.Advance(Recheck);
                await host.WaitForDeliveryStatusAsync(Tenant, heldEventId, WebhookDeliveryStatus.Succeeded);
            }
        }

        var hooks = new HookedStore.Hooks { BeforeRequeueMany = _ => DeliverFirstAsync(), BeforeRequeueOne = DeliverFirstAsync };
        var (host, subscription, heldEventId) = await StartWithPausedDeliveryAsync(hooks);
        await using var _ = host;
        armed.SetResult((host, heldEventId));

        Assert.NotNull(await host.Subscriptions.ResumeAsync(Tenant, subscription.Id));

        Assert.Equal(1, raced);
        var delivered = await DeliveryOfAsync(host, heldEventId);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, delivered.Status);
        Assert.Single(await host.Store.GetAttemptsAsync(Tenant, delivered.Id));
        Assert.Single(_receiver.Received, r => r.WebhookId == heldEventId);
    }

    [Theory]
    [InlineData(Tenant)]
    [InlineData(WebhookTenants.All)]
    public async Task Resumed_on_a_store_without_bulk_requeue_the_held_delivery_is_still_sent_at_once(string subscriptionTenant)
    {
        // A host-level subscription's held delivery carries its event's tenant, not "*".
        var (host, subscription, heldEventId) = await StartWithPausedDeliveryAsync(new HookedStore.Hooks { BulkRequeueUnsupported = true }, subscriptionTenant);
        await using var _ = host;

        Assert.NotNull(await host.Subscriptions.ResumeAsync(subscriptionTenant, subscription.Id));

        // The clock never reaches the recheck: only the resume can have made it due.
        await host.WaitForDeliveryStatusAsync(Tenant, heldEventId, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(T0, Assert.Single(await host.Store.GetAttemptsAsync(Tenant, (await DeliveryOfAsync(host, heldEventId)).Id)).StartedAt);
    }
}
