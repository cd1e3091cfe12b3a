using System.Text;

namespace Choreblimey.Webhooks.Tests.Storage;

/// <summary>Quick checks of claim order and fencing; the full conformance suite lives in the storage tests.</summary>
public sealed class InMemoryWebhookStoreTests
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly InMemoryWebhookStore _store = new();

    private async Task InsertAsync(string messageId, params (string Id, TimeSpan DueIn)[] deliveries)
    {
        var message = new WebhookMessage
        {
            Id = messageId,
            TenantId = Tenant,
            EventType = "booking.created",
            Timestamp = T0,
            Data = Encoding.UTF8.GetBytes("{}"),
        };
        var rows = deliveries.Select(d => new WebhookDelivery
        {
            Id = d.Id,
            TenantId = Tenant,
            MessageId = messageId,
            SubscriptionId = "sub_1",
            EventType = "booking.created",
            NextAttemptAt = T0 + d.DueIn,
            CreatedAt = T0,
        }).ToList();
        var result = await _store.InsertMessageAsync(message, rows);
        Assert.False(result.IsDuplicate);
    }

    private ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimAsync(DateTimeOffset now, int max = 10, string owner = "w1") =>
        _store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(owner, max, now, Lease));

    private static WebhookAttemptRecord Record(string deliveryId, long token, WebhookDeliveryStatus status, DateTimeOffset next = default) => new()
    {
        DeliveryId = deliveryId,
        FencingToken = token,
        NewStatus = status,
        NextAttemptAt = next,
        Attempt = new WebhookAttempt
        {
            DeliveryId = deliveryId,
            TenantId = Tenant,
            AttemptNumber = 1,
            StartedAt = T0,
            Duration = TimeSpan.FromMilliseconds(5),
            Outcome = status == WebhookDeliveryStatus.Succeeded ? WebhookAttemptOutcome.Succeeded : WebhookAttemptOutcome.HttpError,
            StatusCode = status == WebhookDeliveryStatus.Succeeded ? 200 : 500,
        },
    };

    [Fact]
    public async Task Claims_due_deliveries_oldest_due_first_up_to_the_batch_size()
    {
        await InsertAsync("msg_1", ("dlv_c", TimeSpan.FromSeconds(2)), ("dlv_a", TimeSpan.Zero), ("dlv_b", TimeSpan.FromSeconds(1)), ("dlv_future", TimeSpan.FromMinutes(1)));
        var now = T0 + TimeSpan.FromSeconds(5);

        var first = await ClaimAsync(now, max: 2);
        var second = await ClaimAsync(now, max: 2);
        var third = await ClaimAsync(now, max: 2);

        Assert.Equal(["dlv_a", "dlv_b"], first.Select(l => l.Delivery.Id));
        Assert.Equal(["dlv_c"], second.Select(l => l.Delivery.Id));
        Assert.Empty(third);
        Assert.All(first.Concat(second), l =>
        {
            Assert.Equal("w1", l.Delivery.LeaseOwner);
            Assert.Equal(now + Lease, l.LeaseExpiresAt);
            Assert.Equal(now + Lease, l.Delivery.NextAttemptAt);
            Assert.Equal("msg_1", l.Message.Id);
        });
        Assert.Equal(T0 + TimeSpan.FromMinutes(1), await _store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task Nothing_is_claimed_before_it_is_due()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.FromSeconds(10)));

        Assert.Empty(await ClaimAsync(T0 + TimeSpan.FromSeconds(9)));
        Assert.Single(await ClaimAsync(T0 + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_lapsed_lease_is_claimed_again_with_a_new_token_and_the_old_token_is_fenced_off()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.Zero));
        var first = Assert.Single(await ClaimAsync(T0, owner: "w1"));

        Assert.Empty(await ClaimAsync(T0 + Lease - TimeSpan.FromTicks(1), owner: "w2"));
        var second = Assert.Single(await ClaimAsync(T0 + Lease, owner: "w2"));

        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Equal("w2", second.Delivery.LeaseOwner);
        Assert.False(await _store.RecordAttemptAsync(Record("dlv_a", first.FencingToken, WebhookDeliveryStatus.Succeeded)));
        Assert.False(await _store.ReleaseLeaseAsync(new WebhookLeaseRelease("dlv_a", first.FencingToken, T0)));
        Assert.Empty(await _store.GetAttemptsAsync(Tenant, "dlv_a"));

        Assert.True(await _store.RecordAttemptAsync(Record("dlv_a", second.FencingToken, WebhookDeliveryStatus.Succeeded)));
        var delivery = await _store.GetDeliveryAsync(Tenant, "dlv_a");
        Assert.Equal(WebhookDeliveryStatus.Succeeded, delivery!.Status);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Null(delivery.LeaseOwner);
        Assert.Null(await _store.GetNextDueTimeAsync());
        Assert.False(await _store.RecordAttemptAsync(Record("dlv_a", second.FencingToken, WebhookDeliveryStatus.Succeeded)));
    }

    [Fact]
    public async Task A_failed_attempt_makes_the_delivery_due_at_its_next_attempt_time()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.Zero));
        var lease = Assert.Single(await ClaimAsync(T0));
        var retryAt = T0 + TimeSpan.FromMinutes(5);

        Assert.True(await _store.RecordAttemptAsync(Record("dlv_a", lease.FencingToken, WebhookDeliveryStatus.Pending, retryAt)));

        Assert.Equal(retryAt, await _store.GetNextDueTimeAsync());
        Assert.Empty(await ClaimAsync(retryAt - TimeSpan.FromTicks(1)));
        var again = Assert.Single(await ClaimAsync(retryAt));
        Assert.Equal(1, again.Delivery.AttemptCount);
        Assert.Equal(500, again.Delivery.LastStatusCode);
    }

    [Fact]
    public async Task A_released_lease_is_due_at_the_given_time_without_counting_an_attempt()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.Zero));
        var lease = Assert.Single(await ClaimAsync(T0));

        Assert.True(await _store.ReleaseLeaseAsync(new WebhookLeaseRelease("dlv_a", lease.FencingToken, T0 + TimeSpan.FromSeconds(30))));

        Assert.Empty(await ClaimAsync(T0 + TimeSpan.FromSeconds(29)));
        var again = Assert.Single(await ClaimAsync(T0 + TimeSpan.FromSeconds(30)));
        Assert.Equal(0, again.Delivery.AttemptCount);
        Assert.True(again.FencingToken > lease.FencingToken);
    }

    [Fact]
    public async Task Requeue_fences_off_the_current_lease()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.Zero));
        var lease = Assert.Single(await ClaimAsync(T0));

        Assert.True(await _store.RequeueDeliveryAsync(Tenant, "dlv_a", T0));
        Assert.False(await _store.RequeueDeliveryAsync("tenant-b", "dlv_a", T0));

        Assert.False(await _store.RecordAttemptAsync(Record("dlv_a", lease.FencingToken, WebhookDeliveryStatus.Succeeded)));
        Assert.Single(await ClaimAsync(T0));
    }

    [Fact]
    public async Task An_idempotency_key_is_stored_once_per_tenant()
    {
        WebhookMessage Message(string id, string tenant) => new()
        {
            Id = id,
            TenantId = tenant,
            EventType = "booking.created",
            Timestamp = T0,
            Data = Encoding.UTF8.GetBytes("{}"),
            IdempotencyKey = "k",
        };
        WebhookDelivery Delivery(string id, string messageId, string tenant) => new()
        {
            Id = id,
            TenantId = tenant,
            MessageId = messageId,
            SubscriptionId = "sub_1",
            EventType = "booking.created",
            NextAttemptAt = T0,
        };

        var first = await _store.InsertMessageAsync(Message("msg_1", Tenant), [Delivery("dlv_1", "msg_1", Tenant), Delivery("dlv_2", "msg_1", Tenant)]);
        var duplicate = await _store.InsertMessageAsync(Message("msg_2", Tenant), [Delivery("dlv_3", "msg_2", Tenant)]);
        var otherTenant = await _store.InsertMessageAsync(Message("msg_3", "tenant-b"), []);

        Assert.Equal(new WebhookMessageInsertResult("msg_1", 2, false), first);
        Assert.Equal(new WebhookMessageInsertResult("msg_1", 2, true), duplicate);
        Assert.Equal(new WebhookMessageInsertResult("msg_3", 0, false), otherTenant);
        Assert.Null(await _store.GetMessageAsync(Tenant, "msg_2"));
        Assert.Null(await _store.GetDeliveryAsync(Tenant, "dlv_3"));
        Assert.Equal(2, (await ClaimAsync(T0)).Count);
    }

    [Fact]
    public async Task Reads_are_scoped_by_tenant()
    {
        await InsertAsync("msg_1", ("dlv_a", TimeSpan.Zero));

        Assert.Null(await _store.GetMessageAsync("tenant-b", "msg_1"));
        Assert.Null(await _store.GetDeliveryAsync("tenant-b", "dlv_a"));
        Assert.Empty((await _store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-b" })).Items);
        Assert.NotNull(await _store.GetDeliveryAsync(Tenant, "dlv_a"));
    }
}
