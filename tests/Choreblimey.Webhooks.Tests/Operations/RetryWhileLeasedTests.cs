using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

public sealed class RetryWhileLeasedTests
{
    private const string Tenant = "t-retry";

    [Fact]
    public async Task Retrying_a_delivery_a_worker_is_sending_is_refused_and_leaves_it_with_that_worker()
    {
        var clock = new WebhookTestClock();
        await using var services = await PublishedAsync(clock);
        var store = services.GetRequiredService<IWebhookStore>();
        var lease = await ClaimAsync(store, "worker-a", clock);
        var operations = services.GetRequiredService<IWebhookOperations>();

        var refused = await Assert.ThrowsAsync<WebhookOperationException>(() => operations.RetryAsync(Tenant, lease.Delivery.Id).AsTask());

        Assert.Contains($"is being sent by worker 'worker-a'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WebhookOperationError.DeliveryBeingSent, refused.Error);
        // Still the worker's: its attempt can be recorded under its lease.
        Assert.True(await store.RecordAttemptAsync(Delivered(lease, clock)));
    }

    [Fact]
    public async Task A_claim_landing_between_the_retrys_read_and_its_requeue_leaves_the_delivery_with_that_worker()
    {
        var clock = new WebhookTestClock();
        WebhookDeliveryLease? lease = null;
        InMemoryWebhookStore? inner = null;
        var hooks = new HookedStore.Hooks
        {
            // The retry has read the delivery (unleased) and is about to re-queue it: a worker claims it right then.
            AfterGetDelivery = async read =>
            {
                if (read is { LeaseOwner: null, Status: WebhookDeliveryStatus.Pending } && lease is null)
                {
                    lease = await ClaimAsync(inner!, "worker-b", clock);
                }
            },
        };
        await using var services = await PublishedAsync(clock, webhooks => webhooks.UseStore(_ => HookedStore.Wrap(inner = new InMemoryWebhookStore(), hooks)));
        var store = services.GetRequiredService<IWebhookStore>();
        var delivery = Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);

        var refused = await Assert.ThrowsAsync<WebhookOperationException>(() => services.GetRequiredService<IWebhookOperations>().RetryAsync(Tenant, delivery.Id).AsTask());

        Assert.Contains("is being sent by worker 'worker-b'", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(lease);
        Assert.True(await store.RecordAttemptAsync(Delivered(lease, clock)));
    }

    [Fact]
    public async Task On_a_store_without_the_conditional_requeue_a_leased_delivery_is_still_refused_and_a_lapsed_one_retried()
    {
        var clock = new WebhookTestClock();
        await using var services = await PublishedAsync(
            clock,
            webhooks => webhooks.UseStore(_ => HookedStore.Wrap(new InMemoryWebhookStore(), new HookedStore.Hooks { ConditionalRequeueUnsupported = true })));
        var store = services.GetRequiredService<IWebhookStore>();
        var lease = await ClaimAsync(store, "worker-a", clock);
        var operations = services.GetRequiredService<IWebhookOperations>();

        var refused = await Assert.ThrowsAsync<WebhookOperationException>(() => operations.RetryAsync(Tenant, lease.Delivery.Id).AsTask());
        Assert.Contains("is being sent by worker 'worker-a'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(lease.FencingToken, (await store.GetDeliveryAsync(Tenant, lease.Delivery.Id))!.FencingToken);

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await operations.RetryAsync(Tenant, lease.Delivery.Id));
        Assert.False(await operations.RetryAsync(Tenant, "dlv_missing"));
        Assert.Null((await store.GetDeliveryAsync(Tenant, lease.Delivery.Id))!.LeaseOwner);
    }

    [Fact]
    public async Task A_delivery_whose_lease_has_lapsed_can_be_retried()
    {
        var clock = new WebhookTestClock();
        await using var services = await PublishedAsync(clock);
        var lease = await ClaimAsync(services.GetRequiredService<IWebhookStore>(), "crashed-worker", clock);

        clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True(await services.GetRequiredService<IWebhookOperations>().RetryAsync(Tenant, lease.Delivery.Id));
    }

    /// <summary>Services with one subscription and one published event, so one delivery is pending and due.</summary>
    private static async Task<ServiceProvider> PublishedAsync(WebhookTestClock clock, Action<IWebhooksBuilder>? configure = null)
    {
        var services = RoutingServices.Create(configure, clock);
        await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);
        return services;
    }

    private static async Task<WebhookDeliveryLease> ClaimAsync(IWebhookStore store, string owner, WebhookTestClock clock) =>
        Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(owner, 10, clock.GetUtcNow(), TimeSpan.FromMinutes(5))));

    private static WebhookAttemptRecord Delivered(WebhookDeliveryLease lease, WebhookTestClock clock) => new()
    {
        DeliveryId = lease.Delivery.Id,
        FencingToken = lease.FencingToken,
        Attempt = new WebhookAttempt { DeliveryId = lease.Delivery.Id, TenantId = Tenant, AttemptNumber = 1, StartedAt = clock.GetUtcNow(), Duration = TimeSpan.FromMilliseconds(5), Outcome = WebhookAttemptOutcome.Succeeded, StatusCode = 200 },
        NewStatus = WebhookDeliveryStatus.Succeeded,
        NextAttemptAt = clock.GetUtcNow(),
    };
}
