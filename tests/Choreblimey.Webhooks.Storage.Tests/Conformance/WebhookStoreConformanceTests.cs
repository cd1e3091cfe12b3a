using System.Collections.Concurrent;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IWebhookStore"/> must have. A store project derives from this class and returns a fresh,
/// empty store from <see cref="CreateStoreAsync"/>. Stores never read a clock here: every time comes from the test.
/// </summary>
public abstract partial class WebhookStoreConformanceTests : IAsyncLifetime
{
    private const string HostLevel = "sub_host";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly List<IWebhookStore> _stores = [];

    /// <summary>Creates a fresh, empty store. It is disposed after the test when it implements IAsyncDisposable or IDisposable.</summary>
    protected abstract Task<IWebhookStore> CreateStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (store is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        _stores.Clear();
    }

    // ---------------------------------------------------------------- subscriptions

    [Fact]
    public async Task CreateSubscription_then_get_round_trips_every_field()
    {
        var store = await NewStoreAsync();
        var full = FullSubscription(SubId(1));
        var minimal = Subscription(SubId(2));

        await store.CreateSubscriptionAsync(full);
        await store.CreateSubscriptionAsync(minimal);

        StoreAssert.Equal(full, await store.GetSubscriptionAsync(TenantA, SubId(1)));
        StoreAssert.Equal(minimal, await store.GetSubscriptionAsync(TenantA, SubId(2)));
        Assert.Null(await store.GetSubscriptionAsync(TenantA, SubId(3)));
    }

    [Fact]
    public async Task CreateSubscription_with_an_existing_id_fails_and_keeps_the_first()
    {
        var store = await NewStoreAsync();
        var first = Subscription(SubId(1));
        await store.CreateSubscriptionAsync(first);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.CreateSubscriptionAsync(first with { Description = "second" }));

        StoreAssert.Equal(first, await store.GetSubscriptionAsync(TenantA, SubId(1)));
    }

    [Fact]
    public async Task ListSubscriptions_pages_in_id_order_with_continuation_tokens()
    {
        var store = await NewStoreAsync();
        foreach (var n in Enumerable.Range(1, 25).Reverse())
        {
            await store.CreateSubscriptionAsync(Subscription(SubId(n)));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { Limit = 10, ContinuationToken = token });
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items.Select(s => s.Id));
            token = page.ContinuationToken;
            pages++;
            Assert.True(pages <= 4, "Paging did not end.");
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(1, 25).Select(SubId), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListSubscriptions_filters_by_state()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1), state: WebhookSubscriptionState.Active));
        await store.CreateSubscriptionAsync(Subscription(SubId(2), state: WebhookSubscriptionState.Paused));
        await store.CreateSubscriptionAsync(Subscription(SubId(3), state: WebhookSubscriptionState.Disabled));
        await store.CreateSubscriptionAsync(Subscription(SubId(4), state: WebhookSubscriptionState.Paused));

        var paused = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { State = WebhookSubscriptionState.Paused });
        var active = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { State = WebhookSubscriptionState.Active });
        var all = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery());

        Assert.Equal([SubId(2), SubId(4)], paused.Items.Select(s => s.Id));
        Assert.Equal([SubId(1)], active.Items.Select(s => s.Id));
        Assert.Equal(4, all.Items.Count);
        Assert.Null(all.ContinuationToken);
    }

    [Fact]
    public async Task ListSubscriptions_filters_by_event_type_with_exact_star_and_prefix_patterns()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1), patterns: ["booking.created"]));
        await store.CreateSubscriptionAsync(Subscription(SubId(2), patterns: ["*"]));
        await store.CreateSubscriptionAsync(Subscription(SubId(3), patterns: ["booking.*"]));
        await store.CreateSubscriptionAsync(Subscription(SubId(4), patterns: ["invoice.paid"]));
        await store.CreateSubscriptionAsync(Subscription(SubId(5), patterns: ["bookings.*", "invoice.*"]));
        await store.CreateSubscriptionAsync(Subscription(SubId(6), patterns: ["booking.created.v2"]));

        async Task<string[]> Ids(string eventType, int limit = 100)
        {
            var ids = new List<string>();
            string? token = null;
            do
            {
                var page = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { EventType = eventType, Limit = limit, ContinuationToken = token });
                Assert.True(page.Items.Count <= limit);
                ids.AddRange(page.Items.Select(s => s.Id));
                token = page.ContinuationToken;
            }
            while (token is not null);
            return [.. ids];
        }

        Assert.Equal([SubId(1), SubId(2), SubId(3)], await Ids("booking.created"));
        Assert.Equal([SubId(2), SubId(4), SubId(5)], await Ids("invoice.paid"));
        Assert.Equal([SubId(2), SubId(3)], await Ids("booking.cancelled"));
        Assert.Equal([SubId(2)], await Ids("other"));
        Assert.Equal([SubId(1), SubId(2), SubId(3)], await Ids("booking.created", limit: 1));
        Assert.Equal([SubId(2), SubId(4), SubId(5)], await Ids("invoice.paid", limit: 2));
    }

    [Theory]
    [InlineData("booking.")]
    [InlineData("booking")]
    [InlineData("booking.*")]
    [InlineData("booking.c")]
    [InlineData("bookings")]
    [InlineData("Booking.created")]
    [InlineData("*")]
    [InlineData("")]
    public async Task ListSubscriptions_by_event_type_matches_as_routing_does_at_the_edges_of_a_prefix_wildcard(string eventType)
    {
        var store = await NewStoreAsync();
        IReadOnlyList<string>[] patterns = [["booking.*"], ["*"], ["booking.created"], ["bookings.*", "booking"], ["booking.c"]];
        for (var n = 0; n < patterns.Length; n++)
        {
            await store.CreateSubscriptionAsync(Subscription(SubId(n + 1), patterns: patterns[n]));
        }

        // A prefix wildcard needs at least one character after its prefix: "booking.*" matches "booking.c", not "booking.".
        var expected = Enumerable.Range(0, patterns.Length).Where(n => WebhookEventPatterns.MatchesAny(patterns[n], eventType)).Select(n => SubId(n + 1));
        var page = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { EventType = eventType });

        Assert.Equal(expected, page.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task UpdateSubscription_replaces_the_stored_one_and_reports_missing_ones()
    {
        var store = await NewStoreAsync();
        var original = Subscription(SubId(1));
        await store.CreateSubscriptionAsync(original);
        var changed = FullSubscription(SubId(1)) with { Description = "changed", UpdatedAt = T0.AddHours(1) };

        Assert.True(await store.UpdateSubscriptionAsync(changed));
        Assert.False(await store.UpdateSubscriptionAsync(Subscription(SubId(2))));

        StoreAssert.Equal(changed, await store.GetSubscriptionAsync(TenantA, SubId(1)));
        Assert.Null(await store.GetSubscriptionAsync(TenantA, SubId(2)));
        var disabled = await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { State = WebhookSubscriptionState.Disabled });
        Assert.Equal([SubId(1)], disabled.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task UpdateSubscriptionIfUnchanged_writes_only_over_the_version_it_was_read_from()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var read = (await store.GetSubscriptionAsync(TenantA, SubId(1)))!;
        var first = read with { Description = "first", UpdatedAt = read.UpdatedAt.AddMicroseconds(1) };
        var stale = read with { Description = "stale", UpdatedAt = read.UpdatedAt.AddMicroseconds(2) };

        Assert.Equal(WebhookSubscriptionUpdateResult.Updated, await store.UpdateSubscriptionIfUnchangedAsync(first, read.UpdatedAt));
        Assert.Equal(WebhookSubscriptionUpdateResult.Changed, await store.UpdateSubscriptionIfUnchangedAsync(stale, read.UpdatedAt));
        StoreAssert.Equal(first, await store.GetSubscriptionAsync(TenantA, SubId(1)));

        var reread = (await store.GetSubscriptionAsync(TenantA, SubId(1)))!;
        var second = reread with { State = WebhookSubscriptionState.Paused, UpdatedAt = reread.UpdatedAt.AddMicroseconds(1) };
        Assert.Equal(WebhookSubscriptionUpdateResult.Updated, await store.UpdateSubscriptionIfUnchangedAsync(second, reread.UpdatedAt));
        StoreAssert.Equal(second, await store.GetSubscriptionAsync(TenantA, SubId(1)));

        Assert.Equal(WebhookSubscriptionUpdateResult.NotFound, await store.UpdateSubscriptionIfUnchangedAsync(Subscription(SubId(2)), T0));
        Assert.Equal(WebhookSubscriptionUpdateResult.NotFound, await store.UpdateSubscriptionIfUnchangedAsync(second with { TenantId = TenantB, Description = "hijacked" }, second.UpdatedAt));
        StoreAssert.Equal(second, await store.GetSubscriptionAsync(TenantA, SubId(1)));
    }

    [Fact]
    public async Task UpdateSubscriptionIfUnchanged_lets_one_of_two_writers_of_the_same_version_win()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        for (var round = 0; round < 10; round++)
        {
            var read = (await store.GetSubscriptionAsync(TenantA, SubId(1)))!;
            var writers = Enumerable.Range(0, 2)
                .Select(w => Task.Run(async () => (Writer: w, Result: await store.UpdateSubscriptionIfUnchangedAsync(
                    read with { Description = $"round {round} writer {w}", UpdatedAt = read.UpdatedAt.AddMicroseconds(1) }, read.UpdatedAt))))
                .ToArray();
            var results = await Task.WhenAll(writers);

            var winner = Assert.Single(results, r => r.Result == WebhookSubscriptionUpdateResult.Updated);
            Assert.Single(results, r => r.Result == WebhookSubscriptionUpdateResult.Changed);
            Assert.Equal($"round {round} writer {winner.Writer}", (await store.GetSubscriptionAsync(TenantA, SubId(1)))!.Description);
        }
    }

    [Fact]
    public async Task DeleteSubscription_removes_it_and_keeps_its_deliveries()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message, SubId(1))]);

        Assert.True(await store.DeleteSubscriptionAsync(TenantA, SubId(1)));
        Assert.False(await store.DeleteSubscriptionAsync(TenantA, SubId(1)));

        Assert.Null(await store.GetSubscriptionAsync(TenantA, SubId(1)));
        Assert.Empty((await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery())).Items);
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(1)));
    }

    [Fact]
    public async Task GetTenantSubscriptions_returns_every_state_of_that_tenant_only()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1), state: WebhookSubscriptionState.Active));
        await store.CreateSubscriptionAsync(Subscription(SubId(2), state: WebhookSubscriptionState.Paused));
        await store.CreateSubscriptionAsync(Subscription(SubId(3), state: WebhookSubscriptionState.Disabled));
        await store.CreateSubscriptionAsync(Subscription(SubId(4), TenantB));

        var a = await store.GetTenantSubscriptionsAsync(TenantA);
        var b = await store.GetTenantSubscriptionsAsync(TenantB);

        Assert.Equal([SubId(1), SubId(2), SubId(3)], a.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal([SubId(4)], b.Select(s => s.Id));
        Assert.Empty(await store.GetTenantSubscriptionsAsync("tenant-c"));
    }

    [Fact]
    public async Task SubscriptionVersion_changes_after_each_create_update_and_delete()
    {
        var store = await NewStoreAsync();
        var versions = new List<long> { await store.GetSubscriptionVersionAsync() };

        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        versions.Add(await store.GetSubscriptionVersionAsync());
        await store.CreateSubscriptionAsync(Subscription(SubId(2), TenantB));
        versions.Add(await store.GetSubscriptionVersionAsync());
        await store.UpdateSubscriptionAsync(Subscription(SubId(1)) with { Description = "x" });
        versions.Add(await store.GetSubscriptionVersionAsync());
        await store.DeleteSubscriptionAsync(TenantB, SubId(2));
        versions.Add(await store.GetSubscriptionVersionAsync());

        Assert.Equal(versions.Count, versions.Distinct().Count());
        for (var i = 1; i < versions.Count; i++)
        {
            Assert.NotEqual(versions[i - 1], versions[i]);
        }
    }

    // ---------------------------------------------------------------- tenant scoping

    [Fact]
    public async Task Another_tenant_cannot_read_list_update_or_delete_a_subscription()
    {
        var store = await NewStoreAsync();
        var owned = Subscription(SubId(1), TenantA);
        await store.CreateSubscriptionAsync(owned);

        Assert.Null(await store.GetSubscriptionAsync(TenantB, SubId(1)));
        Assert.Empty((await store.ListSubscriptionsAsync(TenantB, new WebhookSubscriptionQuery())).Items);
        Assert.Empty(await store.GetTenantSubscriptionsAsync(TenantB));
        Assert.False(await store.UpdateSubscriptionAsync(owned with { TenantId = TenantB, Description = "hijacked" }));
        Assert.False(await store.DeleteSubscriptionAsync(TenantB, SubId(1)));

        StoreAssert.Equal(owned, await store.GetSubscriptionAsync(TenantA, SubId(1)));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_requeue_messages_deliveries_or_attempts()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1), TenantA);
        var delivery = StoreTestData.Delivery(DlvId(1), message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await Claim(store, T0));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = Attempt(delivery, 1, T0),
            NewStatus = WebhookDeliveryStatus.DeadLettered,
        }));

        Assert.Null(await store.GetMessageAsync(TenantB, MsgId(1)));
        Assert.Null(await store.GetDeliveryAsync(TenantB, DlvId(1)));
        Assert.Empty(await store.GetAttemptsAsync(TenantB, DlvId(1)));
        Assert.False(await store.RequeueDeliveryAsync(TenantB, DlvId(1), T0));
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantB })).Items);
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantB, MessageId = MsgId(1) })).Items);

        var stillDead = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, stillDead!.Status);
        Assert.Empty(await Claim(store, T0.AddDays(1)));
        Assert.Single(await store.GetAttemptsAsync(TenantA, DlvId(1)));
        Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA })).Items);
    }

    // ---------------------------------------------------------------- messages

    [Fact]
    public async Task InsertMessage_stores_the_message_and_its_deliveries()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1), idempotencyKey: "key-1");
        var deliveries = new[]
        {
            StoreTestData.Delivery(DlvId(1), message, SubId(1), createdAt: T0, nextAttemptAt: T0.AddSeconds(1)),
            StoreTestData.Delivery(DlvId(2), message, SubId(2), createdAt: T0, nextAttemptAt: T0.AddSeconds(2)),
        };

        var result = await store.InsertMessageAsync(message, deliveries);

        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 2, false), result);
        StoreAssert.Equal(message, await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.Equal(deliveries[0], await store.GetDeliveryAsync(TenantA, DlvId(1)));
        Assert.Equal(deliveries[1], await store.GetDeliveryAsync(TenantA, DlvId(2)));
    }

    [Fact]
    public async Task InsertMessage_round_trips_every_delivery_field_set_or_not()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var everyField = StoreTestData.Delivery(DlvId(1), message, SubId(1), createdAt: T0, nextAttemptAt: T0.AddMinutes(5), status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3, priority: WebhookPriority.High) with
        {
            CompletedAt = T0.AddMinutes(4),
            LeaseOwner = "worker-7",
            FencingToken = 9,
            LastStatusCode = 503,
            LastError = "HTTP 503 from the receiver",
        };
        var nothingOptional = StoreTestData.Delivery(DlvId(2), message, SubId(2), createdAt: T0.AddSeconds(1), nextAttemptAt: T0.AddSeconds(2), priority: WebhookPriority.Low);

        await store.InsertMessageAsync(message, [everyField, nothingOptional]);

        // Each optional column set and unset, so that a value bound to the wrong column shows.
        Assert.Equal(everyField, await store.GetDeliveryAsync(TenantA, DlvId(1)));
        Assert.Equal(nothingOptional, await store.GetDeliveryAsync(TenantA, DlvId(2)));
    }

    [Fact]
    public async Task InsertMessage_without_deliveries_stores_the_message()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1)) with { Actor = null, IdempotencyKey = null };

        var result = await store.InsertMessageAsync(message, []);

        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 0, false), result);
        StoreAssert.Equal(message, await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.Null(await store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task InsertMessage_is_atomic_when_a_delivery_cannot_be_stored()
    {
        var store = await NewStoreAsync();
        var first = Message(MsgId(1));
        await store.InsertMessageAsync(first, [StoreTestData.Delivery(DlvId(1), first)]);
        var second = Message(MsgId(2), idempotencyKey: "key-2");

        // The second delivery reuses an existing delivery id, so the insert as a whole must fail.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.InsertMessageAsync(second, [StoreTestData.Delivery(DlvId(2), second), StoreTestData.Delivery(DlvId(1), second)]));

        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(2)));
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(2)));
        Assert.Equal(MsgId(1), (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.MessageId);

        // Nothing of the failed insert holds the idempotency key.
        var retry = await store.InsertMessageAsync(second, [StoreTestData.Delivery(DlvId(2), second)]);
        Assert.Equal(new WebhookMessageInsertResult(MsgId(2), 1, false), retry);
    }

    [Fact]
    public async Task InsertMessage_with_a_seen_idempotency_key_writes_nothing_and_returns_the_first()
    {
        var store = await NewStoreAsync();
        var first = Message(MsgId(1), idempotencyKey: "order-7");
        await store.InsertMessageAsync(first, [StoreTestData.Delivery(DlvId(1), first, SubId(1)), StoreTestData.Delivery(DlvId(2), first, SubId(2))]);
        var again = Message(MsgId(2), idempotencyKey: "order-7", payload: 2);

        var result = await store.InsertMessageAsync(again, [StoreTestData.Delivery(DlvId(3), again, SubId(1))]);

        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 2, true), result);
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(2)));
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(3)));
        Assert.Equal(2, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA })).Items.Count);
        StoreAssert.Equal(first, await store.GetMessageAsync(TenantA, MsgId(1)));
    }

    [Fact]
    public async Task InsertMessage_with_the_same_key_in_another_tenant_is_a_new_message()
    {
        var store = await NewStoreAsync();
        var a = Message(MsgId(1), TenantA, idempotencyKey: "shared");
        var b = Message(MsgId(2), TenantB, idempotencyKey: "shared");

        var first = await store.InsertMessageAsync(a, [StoreTestData.Delivery(DlvId(1), a)]);
        var second = await store.InsertMessageAsync(b, [StoreTestData.Delivery(DlvId(2), b), StoreTestData.Delivery(DlvId(3), b)]);

        Assert.Equal(new WebhookMessageInsertResult(MsgId(1), 1, false), first);
        Assert.Equal(new WebhookMessageInsertResult(MsgId(2), 2, false), second);
        StoreAssert.Equal(b, await store.GetMessageAsync(TenantB, MsgId(2)));
    }

    // ---------------------------------------------------------------- claims

    [Fact]
    public async Task Claim_leases_only_due_pending_deliveries_oldest_due_first_up_to_max_count()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1), payload: 99);
        await store.InsertMessageAsync(message,
        [
            StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0.AddMinutes(-1)),
            StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0.AddMinutes(-3)),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0.AddMinutes(1)),
            StoreTestData.Delivery(DlvId(4), message, nextAttemptAt: T0.AddMinutes(-2)),
            StoreTestData.Delivery(DlvId(5), message, nextAttemptAt: T0.AddMinutes(-10), status: WebhookDeliveryStatus.Succeeded, attemptCount: 1),
            StoreTestData.Delivery(DlvId(6), message, nextAttemptAt: T0.AddMinutes(-10), status: WebhookDeliveryStatus.DeadLettered, attemptCount: 8),
            StoreTestData.Delivery(DlvId(7), message, nextAttemptAt: T0),
        ]);

        var first = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 2, T0, Lease));

        Assert.Equal([DlvId(2), DlvId(4)], first.Select(l => l.Delivery.Id));
        foreach (var lease in first)
        {
            Assert.Equal(1, lease.FencingToken);
            Assert.Equal(1, lease.Delivery.FencingToken);
            Assert.Equal("worker-1", lease.Delivery.LeaseOwner);
            Assert.Equal(T0 + Lease, lease.Delivery.NextAttemptAt);
            Assert.Equal(T0 + Lease, lease.LeaseExpiresAt);
            Assert.Equal(WebhookDeliveryStatus.Pending, lease.Delivery.Status);
            StoreAssert.Equal(message, lease.Message);
            Assert.Equal(Payload(99), lease.Message.Data.ToArray());
            Assert.Equal(lease.Delivery, await store.GetDeliveryAsync(TenantA, lease.Delivery.Id));
        }

        var second = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-2", 10, T0, Lease));
        Assert.Equal([DlvId(1), DlvId(7)], second.Select(l => l.Delivery.Id));
        Assert.All(second, l => Assert.Equal("worker-2", l.Delivery.LeaseOwner));

        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-3", 10, T0, Lease)));
        var later = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-3", 10, T0.AddMinutes(1), Lease));
        Assert.Equal([DlvId(3)], later.Select(l => l.Delivery.Id));
    }

    [Fact]
    public async Task Claim_refuses_a_missing_owner_a_negative_count_and_a_lease_that_is_not_positive_and_returns_nothing_for_a_count_of_zero()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0)]);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("", 1, T0, Lease)));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(null!, 1, T0, Lease)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", -1, T0, Lease)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 1, T0, TimeSpan.Zero)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 1, T0, TimeSpan.FromSeconds(-1))));
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 0, T0, Lease)));

        // None of them leased anything.
        Assert.Equal([DlvId(1)], (await Claim(store, T0)).Select(l => l.Delivery.Id));
    }

    [Fact]
    public async Task Claim_finds_the_due_deliveries_of_every_priority_behind_many_that_are_not_due_yet()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var priorities = new[] { WebhookPriority.High, WebhookPriority.Normal, WebhookPriority.Low };
        var later = Enumerable.Range(0, 300).Select(i =>
            StoreTestData.Delivery($"dlv_later_{i:D4}", message, nextAttemptAt: T0.AddMinutes(1 + i), priority: priorities[i % 3]));
        await store.InsertMessageAsync(message,
        [
            .. later,
            StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0.AddMinutes(-1), priority: WebhookPriority.Low),
            StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0.AddMinutes(-2)),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0, priority: WebhookPriority.High),
        ]);

        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 50, T0, Lease));

        Assert.Equal([DlvId(3), DlvId(2), DlvId(1)], leases.Select(l => l.Delivery.Id));
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", 50, T0, Lease)));
    }

    [Fact]
    public async Task Claim_takes_due_deliveries_by_priority_first_then_due_time()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message,
        [
            StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0.AddMinutes(-10)),
            StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0.AddMinutes(-5)),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0.AddMinutes(-1), priority: WebhookPriority.High),
            StoreTestData.Delivery(DlvId(4), message, nextAttemptAt: T0.AddMinutes(-30), priority: WebhookPriority.Low),
            StoreTestData.Delivery(DlvId(5), message, nextAttemptAt: T0.AddMinutes(1), priority: WebhookPriority.High),
            StoreTestData.Delivery(DlvId(6), message, nextAttemptAt: T0.AddMinutes(-2), priority: WebhookPriority.High),
        ]);

        // The newest high-priority due deliveries go before older normal ones; a low one, oldest of all, goes last.
        var first = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 3, T0, Lease));
        Assert.Equal([DlvId(6), DlvId(3), DlvId(1)], first.Select(l => l.Delivery.Id));
        Assert.Equal([WebhookPriority.High, WebhookPriority.High, WebhookPriority.Normal], first.Select(l => l.Delivery.Priority));
        var second = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-2", 10, T0, Lease));
        Assert.Equal([DlvId(2), DlvId(4)], second.Select(l => l.Delivery.Id));
        Assert.Equal(WebhookPriority.Low, second[1].Delivery.Priority);

        // Priority orders due deliveries; it never makes one due early.
        Assert.Equal(T0.AddMinutes(1), await store.GetNextDueTimeAsync());
        Assert.Equal([DlvId(5)], (await Claim(store, T0.AddMinutes(1))).Select(l => l.Delivery.Id));
        Assert.Equal(WebhookPriority.High, (await store.GetDeliveryAsync(TenantA, DlvId(5)))!.Priority);
        Assert.Equal(WebhookPriority.Low, (await store.GetDeliveryAsync(TenantA, DlvId(4)))!.Priority);
    }

    [Fact]
    public async Task Priority_is_kept_through_retries_releases_and_requeues()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var high = StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0, priority: WebhookPriority.High);
        var low = StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0, priority: WebhookPriority.Low);
        await store.InsertMessageAsync(message, [high, low]);

        // Both fail; the high one's retry is due later than the low one's, and still goes first.
        var leases = await Claim(store, T0);
        Assert.Equal([DlvId(1), DlvId(2)], leases.Select(l => l.Delivery.Id));
        foreach (var (lease, retryAt) in leases.Zip([T0.AddMinutes(5), T0.AddMinutes(1)]))
        {
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = lease.Delivery.Id,
                FencingToken = lease.FencingToken,
                Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(1), WebhookAttemptOutcome.HttpError, 503),
                NewStatus = WebhookDeliveryStatus.Pending,
                NextAttemptAt = retryAt,
            }));
        }

        var retries = await Claim(store, T0.AddMinutes(5));
        Assert.Equal([DlvId(1), DlvId(2)], retries.Select(l => l.Delivery.Id));

        // Handed back unattempted (as over an endpoint's cap), then re-queued from the log: the priority stays.
        foreach (var lease in retries)
        {
            Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(lease.Delivery.Id, lease.FencingToken, lease.Delivery.Id == DlvId(1) ? T0.AddMinutes(7) : T0.AddMinutes(6))));
        }

        Assert.Equal([DlvId(1), DlvId(2)], (await Claim(store, T0.AddMinutes(7))).Select(l => l.Delivery.Id));
        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(2), T0.AddMinutes(20)));
        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(1), T0.AddMinutes(30)));
        Assert.Equal([DlvId(1), DlvId(2)], (await Claim(store, T0.AddMinutes(30))).Select(l => l.Delivery.Id));
        Assert.Equal(WebhookPriority.High, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Priority);
        Assert.Equal(WebhookPriority.Low, (await store.GetDeliveryAsync(TenantA, DlvId(2)))!.Priority);
    }

    [Fact]
    public async Task Parallel_claimers_never_receive_the_same_delivery_while_leases_are_valid()
    {
        var store = await NewStoreAsync();
        const int Count = 200;
        for (var m = 0; m < 4; m++)
        {
            var message = Message(MsgId(m + 1), payload: m);
            var deliveries = Enumerable.Range(0, Count / 4)
                .Select(i => StoreTestData.Delivery(DlvId((m * (Count / 4)) + i + 1), message, SubId(i), nextAttemptAt: T0.AddSeconds(-((m * 50) + i))))
                .ToArray();
            await store.InsertMessageAsync(message, deliveries);
        }

        var claimed = new ConcurrentBag<string>();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest($"worker-{w}", 7, T0, Lease));
                if (leases.Count == 0)
                {
                    return;
                }

                foreach (var lease in leases)
                {
                    Assert.Equal(1, lease.FencingToken);
                    claimed.Add(lease.Delivery.Id);
                }
            }
        }));
        await Task.WhenAll(workers);

        Assert.Equal(Count, claimed.Count);
        Assert.Equal(Count, claimed.Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_is_claimed_again_with_a_higher_token()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message)]);

        var first = Assert.Single(await Claim(store, T0, "worker-1"));
        Assert.Empty(await Claim(store, T0 + Lease - TimeSpan.FromSeconds(1), "worker-2"));
        var second = Assert.Single(await Claim(store, T0 + Lease + TimeSpan.FromSeconds(1), "worker-2"));

        Assert.Equal(DlvId(1), second.Delivery.Id);
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.Equal("worker-2", second.Delivery.LeaseOwner);
        Assert.Equal(T0 + Lease + TimeSpan.FromSeconds(1) + Lease, second.LeaseExpiresAt);
    }

    [Fact]
    public async Task A_stale_fencing_token_cannot_record_or_release()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var delivery = StoreTestData.Delivery(DlvId(1), message);
        await store.InsertMessageAsync(message, [delivery]);
        var stale = Assert.Single(await Claim(store, T0, "worker-1"));
        var reclaimAt = T0 + Lease + TimeSpan.FromSeconds(1);
        var current = Assert.Single(await Claim(store, reclaimAt, "worker-2"));
        var afterReclaim = await store.GetDeliveryAsync(TenantA, DlvId(1));

        Assert.False(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = stale.FencingToken,
            Attempt = Attempt(delivery, 1, T0, WebhookAttemptOutcome.Succeeded, 200),
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));
        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(1), stale.FencingToken, T0)));

        Assert.Equal(afterReclaim, await store.GetDeliveryAsync(TenantA, DlvId(1)));
        Assert.Empty(await store.GetAttemptsAsync(TenantA, DlvId(1)));

        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(1), current.FencingToken, reclaimAt.AddSeconds(5))));
        var again = Assert.Single(await Claim(store, reclaimAt.AddSeconds(5), "worker-3"));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = again.FencingToken,
            Attempt = Attempt(delivery, 1, reclaimAt.AddSeconds(5), WebhookAttemptOutcome.Succeeded, 200),
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));
        Assert.False(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = current.FencingToken,
            Attempt = Attempt(delivery, 2, reclaimAt.AddSeconds(6)),
            NewStatus = WebhookDeliveryStatus.Pending,
            NextAttemptAt = reclaimAt.AddSeconds(7),
        }));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Status);
        Assert.Single(await store.GetAttemptsAsync(TenantA, DlvId(1)));
    }

    [Fact]
    public async Task RecordAttempt_appends_attempts_in_order_and_moves_the_delivery()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var delivery = StoreTestData.Delivery(DlvId(1), message);
        await store.InsertMessageAsync(message, [delivery]);

        // Attempt 1: a timeout, rescheduled.
        var lease1 = Assert.Single(await Claim(store, T0));
        var attempt1 = Attempt(delivery, 1, T0.AddSeconds(1), WebhookAttemptOutcome.TimedOut, statusCode: null);
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease1.FencingToken,
            Attempt = attempt1,
            NewStatus = WebhookDeliveryStatus.Pending,
            NextAttemptAt = T0.AddMinutes(5),
        }));
        var pending = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.Pending, pending!.Status);
        Assert.Equal(1, pending.AttemptCount);
        Assert.Equal(T0.AddMinutes(5), pending.NextAttemptAt);
        Assert.Null(pending.LastStatusCode);
        Assert.Equal("error 1", pending.LastError);
        Assert.Null(pending.CompletedAt);
        Assert.Empty(await Claim(store, T0.AddMinutes(5).AddTicks(-1)));

        // Attempt 2: an HTTP 503, rescheduled; a test send.
        var lease2 = Assert.Single(await Claim(store, T0.AddMinutes(5)));
        var attempt2 = Attempt(delivery, 2, T0.AddMinutes(5).AddSeconds(1), WebhookAttemptOutcome.HttpError, 503, isTest: true);
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease2.FencingToken,
            Attempt = attempt2,
            NewStatus = WebhookDeliveryStatus.Pending,
            NextAttemptAt = T0.AddMinutes(30),
        }));
        pending = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(2, pending!.AttemptCount);
        Assert.Equal(503, pending.LastStatusCode);
        Assert.Equal("error 2", pending.LastError);

        // Attempt 3: success, final.
        var lease3 = Assert.Single(await Claim(store, T0.AddMinutes(30)));
        var attempt3 = Attempt(delivery, 3, T0.AddMinutes(30).AddSeconds(1), WebhookAttemptOutcome.Succeeded, 204);
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease3.FencingToken,
            Attempt = attempt3,
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));

        var done = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, done!.Status);
        Assert.Equal(3, done.AttemptCount);
        Assert.Equal(204, done.LastStatusCode);
        Assert.Null(done.LastError);
        Assert.Equal(attempt3.StartedAt + attempt3.Duration, done.CompletedAt);
        Assert.Equal([attempt1, attempt2, attempt3], await store.GetAttemptsAsync(TenantA, DlvId(1)));
        Assert.Empty(await Claim(store, T0.AddYears(1)));
        Assert.Null(await store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task A_dead_lettered_delivery_is_final_until_requeued()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var delivery = StoreTestData.Delivery(DlvId(1), message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await Claim(store, T0));
        var attempt = Attempt(delivery, 1, T0, WebhookAttemptOutcome.Blocked, statusCode: null);

        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease.FencingToken,
            Attempt = attempt,
            NewStatus = WebhookDeliveryStatus.DeadLettered,
            NextAttemptAt = T0,
        }));
        var dead = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, dead!.Status);
        Assert.Equal(attempt.StartedAt + attempt.Duration, dead.CompletedAt);
        Assert.Empty(await Claim(store, T0.AddYears(1)));
        Assert.Null(await store.GetNextDueTimeAsync());

        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(1), T0.AddHours(1)));
        Assert.False(await store.RequeueDeliveryAsync(TenantA, DlvId(2), T0.AddHours(1)));

        var requeued = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.Pending, requeued!.Status);
        Assert.Equal(1, requeued.AttemptCount);
        Assert.Equal(T0.AddHours(1), requeued.NextAttemptAt);
        Assert.Null(requeued.CompletedAt);
        Assert.Equal(T0.AddHours(1), await store.GetNextDueTimeAsync());
        Assert.Empty(await Claim(store, T0.AddMinutes(59)));
        var reclaimed = Assert.Single(await Claim(store, T0.AddHours(1)));
        Assert.True(reclaimed.FencingToken > lease.FencingToken);
    }

    [Fact]
    public async Task Requeue_invalidates_the_current_lease()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        var delivery = StoreTestData.Delivery(DlvId(1), message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await Claim(store, T0));

        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(1), T0));

        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(1), lease.FencingToken, T0)));
        Assert.False(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease.FencingToken,
            Attempt = Attempt(delivery, 1, T0),
            NewStatus = WebhookDeliveryStatus.DeadLettered,
        }));
        Assert.Single(await Claim(store, T0));
    }

    [Fact]
    public async Task RequeueIfNotLeased_leaves_a_live_lease_to_its_worker_and_requeues_lapsed_unleased_failed_and_dead_ones()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [
            StoreTestData.Delivery(DlvId(1), message),
            StoreTestData.Delivery(DlvId(2), message),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0.AddHours(1)),
            StoreTestData.Delivery(DlvId(4), message, nextAttemptAt: T0.AddMinutes(30), attemptCount: 1),
            StoreTestData.Delivery(DlvId(5), message, status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3),
        ]);
        var leases = (await Claim(store, T0, "worker-1")).ToDictionary(l => l.Delivery.Id);
        Assert.Equal([DlvId(1), DlvId(2)], leases.Keys.Order(StringComparer.Ordinal));
        var now = T0.AddMinutes(1);

        // A live lease: nothing moves, so its worker can still record the attempt it may be sending.
        Assert.Equal(WebhookDeliveryRequeueResult.Leased, await store.RequeueDeliveryIfNotLeasedAsync(TenantA, DlvId(1), now));
        var held = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.Pending, held!.Status);
        Assert.Equal("worker-1", held.LeaseOwner);
        Assert.Equal(T0 + Lease, held.NextAttemptAt);
        Assert.Equal(leases[DlvId(1)].FencingToken, held.FencingToken);
        Assert.Empty(await Claim(store, now, "worker-2"));
        Assert.Equal(WebhookDeliveryRequeueResult.NotFound, await store.RequeueDeliveryIfNotLeasedAsync(TenantB, DlvId(1), now));
        Assert.Equal(WebhookDeliveryRequeueResult.NotFound, await store.RequeueDeliveryIfNotLeasedAsync(TenantA, DlvId(9), now));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = leases[DlvId(1)].FencingToken,
            Attempt = Attempt(leases[DlvId(1)].Delivery, 1, T0, WebhookAttemptOutcome.Succeeded, 200),
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));

        // Unleased (never attempted, failed and waiting for its retry, dead-lettered, delivered): made due now.
        foreach (var id in new[] { DlvId(3), DlvId(4), DlvId(5), DlvId(1) })
        {
            var before = await store.GetDeliveryAsync(TenantA, id);
            Assert.Equal(WebhookDeliveryRequeueResult.Requeued, await store.RequeueDeliveryIfNotLeasedAsync(TenantA, id, now));
            var requeued = await store.GetDeliveryAsync(TenantA, id);
            Assert.Equal(WebhookDeliveryStatus.Pending, requeued!.Status);
            Assert.Equal(now, requeued.NextAttemptAt);
            Assert.Null(requeued.CompletedAt);
            Assert.Null(requeued.LeaseOwner);
            Assert.Equal(before!.AttemptCount, requeued.AttemptCount);
            Assert.True(requeued.FencingToken > before.FencingToken);
        }

        // A lapsed lease (its expiry reached, as a claim counts it) is no longer its worker's: taken, and the worker fenced off.
        Assert.Equal(WebhookDeliveryRequeueResult.Requeued, await store.RequeueDeliveryIfNotLeasedAsync(TenantA, DlvId(2), T0 + Lease));
        Assert.Null((await store.GetDeliveryAsync(TenantA, DlvId(2)))!.LeaseOwner);
        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(2), leases[DlvId(2)].FencingToken, T0.AddDays(1))));
        Assert.Equal(
            [DlvId(1), DlvId(2), DlvId(3), DlvId(4), DlvId(5)],
            (await Claim(store, T0 + Lease, "worker-2")).Select(l => l.Delivery.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RequeueIfNotLeased_racing_a_claim_never_takes_the_delivery_from_the_worker_that_got_it()
    {
        var store = await NewStoreAsync();
        for (var round = 1; round <= 20; round++)
        {
            var message = Message(MsgId(round));
            await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(round), message)]);
            using var start = new Barrier(2);
            var claim = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await Claim(store, T0, "worker-1");
            });
            var requeue = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await store.RequeueDeliveryIfNotLeasedAsync(TenantA, DlvId(round), T0);
            });

            // Re-queued first, it is due at once and the claim takes it; claimed first, the re-queue is refused. Either
            // way the worker's lease is current and its attempt is recorded. (A claim that meets the re-queue's row lock
            // skips the row, as PostgreSQL's does; the delivery is due, and the next claim takes it.)
            var claimed = await claim;
            Assert.NotEqual(WebhookDeliveryRequeueResult.NotFound, await requeue);
            var lease = Assert.Single(claimed.Count > 0 ? claimed : await Claim(store, T0, "worker-1"));
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = DlvId(round),
                FencingToken = lease.FencingToken,
                Attempt = Attempt(lease.Delivery, 1, T0, WebhookAttemptOutcome.Succeeded, 200),
                NewStatus = WebhookDeliveryStatus.Succeeded,
            }), $"Round {round}: the re-queue took the delivery from the worker that claimed it.");
        }
    }

    [Fact]
    public async Task ReleaseLease_makes_the_delivery_due_at_the_given_time_without_counting_an_attempt()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message)]);
        var lease = Assert.Single(await Claim(store, T0));

        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(1), lease.FencingToken, T0.AddSeconds(30))));

        var released = await store.GetDeliveryAsync(TenantA, DlvId(1));
        Assert.Equal(WebhookDeliveryStatus.Pending, released!.Status);
        Assert.Equal(0, released.AttemptCount);
        Assert.Equal(T0.AddSeconds(30), released.NextAttemptAt);
        Assert.Empty(await store.GetAttemptsAsync(TenantA, DlvId(1)));
        Assert.Equal(T0.AddSeconds(30), await store.GetNextDueTimeAsync());
        Assert.Empty(await Claim(store, T0.AddSeconds(29)));
        var again = Assert.Single(await Claim(store, T0.AddSeconds(30)));
        Assert.True(again.FencingToken > lease.FencingToken);
    }

    [Fact]
    public async Task GetNextDueTime_returns_the_earliest_pending_due_time()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetNextDueTimeAsync());

        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message,
        [
            StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0.AddMinutes(10)),
            StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0.AddMinutes(-5), status: WebhookDeliveryStatus.Succeeded),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0.AddMinutes(3)),
            StoreTestData.Delivery(DlvId(4), message, nextAttemptAt: T0.AddMinutes(-7), status: WebhookDeliveryStatus.DeadLettered),
        ]);
        Assert.Equal(T0.AddMinutes(3), await store.GetNextDueTimeAsync());

        // A leased delivery is next due when its lease expires.
        Assert.Single(await Claim(store, T0.AddMinutes(3)));
        Assert.Equal(T0.AddMinutes(3) + Lease, await store.GetNextDueTimeAsync());
    }

    [Fact]
    public async Task GetNextDueTime_returns_the_earliest_due_time_whatever_its_priority()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message,
        [
            StoreTestData.Delivery(DlvId(1), message, nextAttemptAt: T0.AddMinutes(8), priority: WebhookPriority.High),
            StoreTestData.Delivery(DlvId(2), message, nextAttemptAt: T0.AddMinutes(6)),
            StoreTestData.Delivery(DlvId(3), message, nextAttemptAt: T0.AddMinutes(2), priority: WebhookPriority.Low),
            StoreTestData.Delivery(DlvId(4), message, nextAttemptAt: T0.AddMinutes(1), priority: WebhookPriority.High, status: WebhookDeliveryStatus.Succeeded),
            StoreTestData.Delivery(DlvId(5), message, nextAttemptAt: T0.AddMinutes(4), priority: WebhookPriority.Low),
        ]);
        Assert.Equal(T0.AddMinutes(2), await store.GetNextDueTimeAsync());

        // The low band's earliest is claimed (due again when its lease expires, at 5 minutes): the next is the low band's second.
        var lease = Assert.Single(await Claim(store, T0.AddMinutes(3)));
        Assert.Equal(DlvId(3), lease.Delivery.Id);
        Assert.Equal(T0.AddMinutes(4), await store.GetNextDueTimeAsync());
    }

    // ---------------------------------------------------------------- delivery log

    [Fact]
    public async Task QueryDeliveries_filters_and_returns_newest_first()
    {
        var store = await NewStoreAsync();
        var m1 = Message(MsgId(1), eventType: "booking.created");
        var m2 = Message(MsgId(2), eventType: "invoice.paid");
        var other = Message(MsgId(3), TenantB, eventType: "booking.created");
        await store.InsertMessageAsync(m1,
        [
            StoreTestData.Delivery(DlvId(1), m1, SubId(1), createdAt: T0.AddSeconds(1)),
            StoreTestData.Delivery(DlvId(2), m1, SubId(2), createdAt: T0.AddSeconds(2), attemptCount: 1),
        ]);
        await store.InsertMessageAsync(m2,
        [
            StoreTestData.Delivery(DlvId(3), m2, SubId(1), createdAt: T0.AddSeconds(3), status: WebhookDeliveryStatus.Succeeded, attemptCount: 1),
            StoreTestData.Delivery(DlvId(4), m2, SubId(2), createdAt: T0.AddSeconds(4), status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3),
        ]);
        await store.InsertMessageAsync(other, [StoreTestData.Delivery(DlvId(5), other, SubId(1), createdAt: T0.AddSeconds(2), attemptCount: 1)]);

        async Task<string[]> Ids(WebhookDeliveryQuery query) =>
            [.. (await store.QueryDeliveriesAsync(query)).Items.Select(d => d.Id)];

        var all = new WebhookDeliveryQuery { TenantId = TenantA };
        Assert.Equal([DlvId(4), DlvId(3), DlvId(2), DlvId(1)], await Ids(all));
        Assert.Equal([DlvId(3), DlvId(1)], await Ids(all with { SubscriptionId = SubId(1) }));
        Assert.Equal([DlvId(4), DlvId(3)], await Ids(all with { MessageId = MsgId(2) }));
        Assert.Equal([DlvId(2), DlvId(1)], await Ids(all with { EventType = "booking.created" }));
        Assert.Equal([DlvId(4)], await Ids(all with { Status = WebhookDeliveryStatus.DeadLettered }));
        Assert.Equal([DlvId(2), DlvId(1)], await Ids(all with { Status = WebhookDeliveryStatus.Pending }));
        Assert.Equal([DlvId(2)], await Ids(all with { FailingOnly = true }));
        Assert.Equal([DlvId(4), DlvId(3), DlvId(2)], await Ids(all with { CreatedFrom = T0.AddSeconds(2) }));
        Assert.Equal([DlvId(2), DlvId(1)], await Ids(all with { CreatedBefore = T0.AddSeconds(3) }));
        Assert.Equal([DlvId(3), DlvId(2)], await Ids(all with { CreatedFrom = T0.AddSeconds(2), CreatedBefore = T0.AddSeconds(4) }));
        Assert.Equal([DlvId(2)], await Ids(all with { SubscriptionId = SubId(2), Status = WebhookDeliveryStatus.Pending }));
        Assert.Empty(await Ids(all with { SubscriptionId = SubId(9) }));
        Assert.Equal([DlvId(5)], await Ids(new WebhookDeliveryQuery { TenantId = TenantB, FailingOnly = true }));

        var full = Assert.Single((await store.QueryDeliveriesAsync(all with { Status = WebhookDeliveryStatus.DeadLettered })).Items);
        Assert.Equal(await store.GetDeliveryAsync(TenantA, DlvId(4)), full);
    }

    [Fact]
    public async Task QueryDeliveries_paging_covers_every_row_exactly_once_across_statuses()
    {
        var store = await NewStoreAsync();
        const int Count = 53;
        for (var m = 0; m < Count; m += 10)
        {
            var message = Message(MsgId(m + 1));
            var deliveries = Enumerable.Range(m + 1, Math.Min(10, Count - m))
                .Select(i => StoreTestData.Delivery(DlvId(i), message, SubId(i % 2), createdAt: T0.AddSeconds(i), status: (WebhookDeliveryStatus)(i % 3)))
                .ToArray();
            await store.InsertMessageAsync(message, deliveries);
        }

        async Task<List<string>> All(WebhookDeliveryQuery query)
        {
            var ids = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await store.QueryDeliveriesAsync(query with { ContinuationToken = token });
                Assert.True(page.Items.Count <= query.Limit);
                ids.AddRange(page.Items.Select(d => d.Id));
                token = page.ContinuationToken;
                Assert.True(++pages <= Count, "Paging did not end.");
            }
            while (token is not null);
            return ids;
        }

        var expected = Enumerable.Range(1, Count).Reverse().Select(DlvId).ToList();
        Assert.Equal(expected, await All(new WebhookDeliveryQuery { TenantId = TenantA, Limit = 10 }));
        Assert.Equal(expected, await All(new WebhookDeliveryQuery { TenantId = TenantA, Limit = 1 }));
        Assert.Equal(expected, await All(new WebhookDeliveryQuery { TenantId = TenantA, Limit = Count }));
        Assert.Equal(
            expected.Where((_, i) => (Count - i) % 2 == 1).ToList(),
            await All(new WebhookDeliveryQuery { TenantId = TenantA, SubscriptionId = SubId(1), Limit = 4 }));
    }

    [Fact]
    public async Task QueryDeliveries_for_tenant_all_reads_every_tenants_log()
    {
        var store = await NewStoreWithHostLevelSubscriptionAsync();
        var a1 = Message(MsgId(1), TenantA, "booking.created");
        var b = Message(MsgId(2), TenantB, "invoice.paid");
        var a2 = Message(MsgId(3), TenantA, "booking.created");
        await store.InsertMessageAsync(a1,
        [
            StoreTestData.Delivery(DlvId(1), a1, HostLevel, createdAt: T0.AddSeconds(1)),
            StoreTestData.Delivery(DlvId(2), a1, SubId(1), createdAt: T0.AddSeconds(2), status: WebhookDeliveryStatus.Succeeded, attemptCount: 1),
        ]);
        await store.InsertMessageAsync(b, [StoreTestData.Delivery(DlvId(3), b, HostLevel, createdAt: T0.AddSeconds(3), status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3)]);
        await store.InsertMessageAsync(a2,
        [
            StoreTestData.Delivery(DlvId(4), a2, HostLevel, createdAt: T0.AddSeconds(4), attemptCount: 1),
            StoreTestData.Delivery(DlvId(5), a2, SubId(1), createdAt: T0.AddSeconds(5)),
        ]);

        async Task<List<string>> Pages(WebhookDeliveryQuery query, int expectedPages)
        {
            var ids = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await store.QueryDeliveriesAsync(query with { ContinuationToken = token });
                ids.AddRange(page.Items.Select(d => d.Id));
                token = page.ContinuationToken;
                Assert.True(++pages <= expectedPages, "Paging did not end.");
            }
            while (token is not null);
            Assert.Equal(expectedPages, pages);
            return ids;
        }

        // "*" with a host-level subscription: its deliveries in every tenant, newest first, paged.
        var host = new WebhookDeliveryQuery { TenantId = WebhookTenants.All, SubscriptionId = HostLevel };
        Assert.Equal([DlvId(4), DlvId(3), DlvId(1)], await Pages(host, 1));
        Assert.Equal([DlvId(4), DlvId(3), DlvId(1)], await Pages(host with { Limit = 2 }, 2));
        Assert.Equal([DlvId(4), DlvId(3), DlvId(1)], await Pages(host with { Limit = 1 }, 3));

        // "*" alone: every tenant's log, newest first, paged; the other filters as for a tenant.
        var all = new WebhookDeliveryQuery { TenantId = WebhookTenants.All };
        Assert.Equal([DlvId(5), DlvId(4), DlvId(3), DlvId(2), DlvId(1)], await Pages(all, 1));
        Assert.Equal([DlvId(5), DlvId(4), DlvId(3), DlvId(2), DlvId(1)], await Pages(all with { Limit = 2 }, 3));
        Assert.Equal([DlvId(3)], await Pages(all with { Status = WebhookDeliveryStatus.DeadLettered }, 1));
        Assert.Equal([DlvId(4)], await Pages(all with { FailingOnly = true }, 1));
        Assert.Equal([DlvId(5), DlvId(4)], await Pages(all with { MessageId = MsgId(3) }, 1));
        Assert.Equal([DlvId(4)], await Pages(host with { MessageId = MsgId(3) }, 1));
        Assert.Equal([DlvId(3)], await Pages(all with { EventType = "invoice.paid" }, 1));
        Assert.Equal([DlvId(4), DlvId(3), DlvId(2)], await Pages(all with { CreatedFrom = T0.AddSeconds(2), CreatedBefore = T0.AddSeconds(5) }, 1));
        Assert.Equal([DlvId(3), DlvId(1)], await Pages(host with { CreatedBefore = T0.AddSeconds(4) }, 1));

        // A named tenant still sees only its own deliveries, the host-level subscription's included.
        Assert.Equal([DlvId(5), DlvId(4), DlvId(2), DlvId(1)], await Pages(new WebhookDeliveryQuery { TenantId = TenantA }, 1));
        Assert.Equal([DlvId(4), DlvId(1)], await Pages(new WebhookDeliveryQuery { TenantId = TenantA, SubscriptionId = HostLevel }, 1));
        Assert.Equal([DlvId(3)], await Pages(new WebhookDeliveryQuery { TenantId = TenantB }, 1));
    }

    [Fact]
    public async Task A_page_size_below_1_or_above_MaxLimit_is_taken_as_the_nearest_bound()
    {
        var store = await NewStoreAsync();
        const int Count = WebhookDeliveryQuery.MaxLimit + 1;
        Assert.Equal(WebhookDeliveryQuery.MaxLimit, WebhookSubscriptionQuery.MaxLimit);
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [.. Enumerable.Range(1, Count).Select(i => StoreTestData.Delivery(DlvId(i), message, createdAt: T0.AddSeconds(i)))]);
        foreach (var chunk in Enumerable.Range(1, Count).Chunk(16))
        {
            await Task.WhenAll(chunk.Select(n => store.CreateSubscriptionAsync(Subscription(SubId(n))).AsTask()));
        }

        // The event-type filter takes another path in some stores (matched in code, not in SQL).
        WebhookSubscriptionQuery[] subscriptionQueries = [new(), new() { EventType = "booking.created" }];
        foreach (var limit in new[] { 0, -1, int.MinValue })
        {
            var deliveries = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = limit });
            Assert.Equal(DlvId(Count), Assert.Single(deliveries.Items).Id);
            Assert.NotNull(deliveries.ContinuationToken);
            foreach (var query in subscriptionQueries)
            {
                var subscriptions = await store.ListSubscriptionsAsync(TenantA, query with { Limit = limit });
                Assert.Equal(SubId(1), Assert.Single(subscriptions.Items).Id);
                Assert.NotNull(subscriptions.ContinuationToken);
            }
        }

        foreach (var limit in new[] { WebhookDeliveryQuery.MaxLimit + 1, int.MaxValue })
        {
            var deliveries = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = limit });
            Assert.Equal(WebhookDeliveryQuery.MaxLimit, deliveries.Items.Count);
            var lastDelivery = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = limit, ContinuationToken = deliveries.ContinuationToken });
            Assert.Equal(DlvId(1), Assert.Single(lastDelivery.Items).Id);
            Assert.Null(lastDelivery.ContinuationToken);
            foreach (var query in subscriptionQueries)
            {
                var subscriptions = await store.ListSubscriptionsAsync(TenantA, query with { Limit = limit });
                Assert.Equal(WebhookSubscriptionQuery.MaxLimit, subscriptions.Items.Count);
                var lastSubscription = await store.ListSubscriptionsAsync(TenantA, query with { Limit = limit, ContinuationToken = subscriptions.ContinuationToken });
                Assert.Equal(SubId(Count), Assert.Single(lastSubscription.Items).Id);
                Assert.Null(lastSubscription.ContinuationToken);
            }
        }
    }

    [Theory]
    [InlineData("raw id")]
    [InlineData("not base64url")]
    [InlineData("not UTF-8")]
    [InlineData("other listing's token")]
    [InlineData("no id")]
    [InlineData("bad time")]
    public async Task A_continuation_token_no_store_returned_for_the_listing_is_refused_naming_the_query(string kind)
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message), StoreTestData.Delivery(DlvId(2), message)]);
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        await store.CreateSubscriptionAsync(Subscription(SubId(2)));
        var deliveryToken = (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, Limit = 1 })).ContinuationToken!;
        var subscriptionToken = (await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { Limit = 1 })).ContinuationToken!;
        static string Encoded(string text) => System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(text));
        var (forDeliveries, forSubscriptions) = kind switch
        {
            // Before, the in-memory and SQLite stores took any string as the id to continue after, so these gave some page.
            "raw id" => (DlvId(2), SubId(1)),
            "not base64url" => ("not a token!", "not a token!"),
            "not UTF-8" => ("__-_", "__-_"),
            "other listing's token" => (subscriptionToken, deliveryToken),
            "no id" => (Encoded("d1|638000000000000000|"), Encoded("s1|")),
            "bad time" => (Encoded("d1|-5|" + DlvId(2)), Encoded("d1|1|" + SubId(1))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var deliveries = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, ContinuationToken = forDeliveries }));
        var subscriptions = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { ContinuationToken = forSubscriptions }));

        Assert.StartsWith("WebhookDeliveryQuery.ContinuationToken is not a token a store returned for a delivery log", deliveries.Message, StringComparison.Ordinal);
        Assert.StartsWith("WebhookSubscriptionQuery.ContinuationToken is not a token a store returned for a subscription listing", subscriptions.Message, StringComparison.Ordinal);
        Assert.Equal("query", deliveries.ParamName);
        Assert.Equal([DlvId(1)], (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA, ContinuationToken = deliveryToken })).Items.Select(d => d.Id));
        Assert.Equal([SubId(2)], (await store.ListSubscriptionsAsync(TenantA, new WebhookSubscriptionQuery { ContinuationToken = subscriptionToken })).Items.Select(s => s.Id));
    }

    // ---------------------------------------------------------------- helpers

    private async Task<IWebhookStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// A new store with the host-level subscription <see cref="HostLevel"/> (tenant "*": it receives every tenant's events,
    /// and its deliveries carry those tenants) and tenant A's <c>SubId(1)</c>.
    /// </summary>
    private async Task<IWebhookStore> NewStoreWithHostLevelSubscriptionAsync()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(HostLevel, WebhookTenants.All));
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        return store;
    }

    private static async Task<IReadOnlyList<WebhookDeliveryLease>> Claim(IWebhookStore store, DateTimeOffset now, string owner = "worker") =>
        await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(owner, 100, now, Lease));

    /// <summary>Claims the delivery at <paramref name="at"/> and records a final failed attempt, as the worker does.</summary>
    private static async Task DeadLetterAsync(IWebhookStore store, string deliveryId, DateTimeOffset at)
    {
        var lease = Assert.Single(await Claim(store, at), l => l.Delivery.Id == deliveryId);
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = deliveryId,
            FencingToken = lease.FencingToken,
            Attempt = Attempt(lease.Delivery, lease.Delivery.AttemptCount + 1, at),
            NewStatus = WebhookDeliveryStatus.DeadLettered,
        }));
    }
}
