using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>Delivery operations every store must support: statistics, usage, bulk re-queue, purge, backlog, event-type summaries, traceparent.</summary>
public abstract partial class WebhookStoreConformanceTests
{
    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>
    /// Tenant A: sub 1 has d1 succeeded (100 ms), d2 dead-lettered (300 ms), d3 failing (200 ms), d4 never attempted; sub 2 has d5
    /// succeeded (400 ms); a test send to sub 1 (5 s, excluded); tenant B has d7 succeeded (9 s). Delivery n is created at T0 + n s
    /// and attempted at T0 + 10 s + n s.
    /// </summary>
    private async Task<IWebhookStore> StatsStoreAsync()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        await store.CreateSubscriptionAsync(Subscription(SubId(2)));
        var m1 = Message(MsgId(1)) with { Timestamp = T0 };
        var test = Message(MsgId(2), eventType: WebhookOperationalEvents.Test) with { Timestamp = T0 };
        var other = Message(MsgId(3), tenantId: TenantB);
        await store.InsertMessageAsync(m1, [.. new[] { 1, 2, 3, 4 }.Select(n => StoreTestData.Delivery(DlvId(n), m1, SubId(1), createdAt: T0.AddSeconds(n))),
            StoreTestData.Delivery(DlvId(5), m1, SubId(2), createdAt: T0.AddSeconds(5))]);
        await store.InsertMessageAsync(test, [StoreTestData.Delivery(DlvId(6), test, SubId(1), createdAt: T0.AddSeconds(6))]);
        await store.InsertMessageAsync(other, [StoreTestData.Delivery(DlvId(7), other, SubId(9), createdAt: T0.AddSeconds(7))]);

        var leases = (await Claim(store, T0.AddMinutes(1))).ToDictionary(l => l.Delivery.Id);
        async Task Record(int n, WebhookAttemptOutcome outcome, int ms, WebhookDeliveryStatus status, bool isTest = false)
        {
            var lease = leases[DlvId(n)];
            var attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(10 + n), outcome, outcome == WebhookAttemptOutcome.Succeeded ? 200 : 500, isTest) with { Duration = Ms(ms) };
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = lease.Delivery.Id,
                FencingToken = lease.FencingToken,
                Attempt = attempt,
                NewStatus = status,
                NextAttemptAt = T0.AddHours(1),
            }));
        }

        await Record(1, WebhookAttemptOutcome.Succeeded, 100, WebhookDeliveryStatus.Succeeded);
        await Record(2, WebhookAttemptOutcome.HttpError, 300, WebhookDeliveryStatus.DeadLettered);
        await Record(3, WebhookAttemptOutcome.TimedOut, 200, WebhookDeliveryStatus.Pending);
        await Record(5, WebhookAttemptOutcome.Succeeded, 400, WebhookDeliveryStatus.Succeeded);
        await Record(6, WebhookAttemptOutcome.Succeeded, 5000, WebhookDeliveryStatus.Succeeded, isTest: true);
        await Record(7, WebhookAttemptOutcome.Succeeded, 9000, WebhookDeliveryStatus.Succeeded);
        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(4), leases[DlvId(4)].FencingToken, T0.AddHours(1))));
        return store;
    }

    [Fact]
    public async Task DeliveryStats_count_states_and_compute_latency_percentiles_per_subscription_and_tenant_without_test_sends()
    {
        var store = await StatsStoreAsync();

        var sub1 = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantA, SubscriptionId = SubId(1) });
        Assert.Equal(4, sub1.Total);
        Assert.Equal(1, sub1.Succeeded);
        Assert.Equal(1, sub1.DeadLettered);
        Assert.Equal(1, sub1.Failing);
        Assert.Equal(1, sub1.Pending);
        Assert.Equal(2, sub1.Failed);
        Assert.Equal(1.0 / 3, sub1.SuccessRate!.Value, 10);
        Assert.Equal(T0.AddSeconds(11), sub1.LastSuccessAt);
        Assert.Equal(T0.AddSeconds(13), sub1.LastFailureAt);
        Assert.Equal(Ms(200), sub1.LatencyP50);
        Assert.Equal(Ms(290), sub1.LatencyP95);

        var tenant = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantA });
        Assert.Equal(5, tenant.Total);
        Assert.Equal(2, tenant.Succeeded);
        Assert.Equal(T0.AddSeconds(15), tenant.LastSuccessAt);
        Assert.Equal(Ms(250), tenant.LatencyP50);
        Assert.Equal(Ms(385), tenant.LatencyP95);

        var window = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantA, SubscriptionId = SubId(1), From = T0.AddSeconds(2), Before = T0.AddSeconds(13) });
        Assert.Equal(3, window.Total);
        Assert.Equal(0, window.Succeeded);
        Assert.Equal(T0.AddSeconds(11), window.LastSuccessAt);
        Assert.Equal(T0.AddSeconds(12), window.LastFailureAt);
        Assert.Equal(Ms(200), window.LatencyP50);

        var none = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantA, SubscriptionId = SubId(8) });
        Assert.Equal(0, none.Total);
        Assert.Null(none.SuccessRate);
        Assert.Null(none.LatencyP50);
        Assert.Null(none.LastFailureAt);

        var b = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantB });
        Assert.Equal(1, b.Total);
        Assert.Equal(Ms(9000), b.LatencyP95);
    }

    [Fact]
    public async Task DeliveryStats_and_usage_for_tenant_all_count_a_host_level_subscriptions_deliveries_in_every_tenant()
    {
        var store = await NewStoreWithHostLevelSubscriptionAsync();
        var inA = Message("msg_host_a", TenantA);
        var inB = Message("msg_host_b", TenantB);
        var test = Message("msg_host_test", WebhookTenants.All, WebhookOperationalEvents.Test);
        await store.InsertMessageAsync(inA, [StoreTestData.Delivery("dlv_host_a", inA, HostLevel, createdAt: T0.AddSeconds(1)),
            StoreTestData.Delivery("dlv_own_a", inA, SubId(1), createdAt: T0.AddSeconds(2))]);
        await store.InsertMessageAsync(inB, [StoreTestData.Delivery("dlv_host_b", inB, HostLevel, createdAt: T0.AddSeconds(3))]);
        await store.InsertMessageAsync(test, [StoreTestData.Delivery("dlv_host_test", test, HostLevel, createdAt: T0.AddSeconds(4))]);
        var leases = (await Claim(store, T0.AddMinutes(1))).ToDictionary(l => l.Delivery.Id);
        async Task Record(string id, WebhookAttemptOutcome outcome, int ms, WebhookDeliveryStatus status, int second) =>
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = id,
                FencingToken = leases[id].FencingToken,
                Attempt = Attempt(leases[id].Delivery, 1, T0.AddSeconds(second), outcome, outcome == WebhookAttemptOutcome.Succeeded ? 200 : 500,
                    isTest: leases[id].Delivery.EventType == WebhookOperationalEvents.Test) with { Duration = Ms(ms) },
                NewStatus = status,
                NextAttemptAt = T0.AddHours(1),
            }));

        await Record("dlv_host_a", WebhookAttemptOutcome.Succeeded, 100, WebhookDeliveryStatus.Succeeded, 11);
        await Record("dlv_own_a", WebhookAttemptOutcome.Succeeded, 700, WebhookDeliveryStatus.Succeeded, 12);
        await Record("dlv_host_b", WebhookAttemptOutcome.HttpError, 300, WebhookDeliveryStatus.DeadLettered, 13);
        await Record("dlv_host_test", WebhookAttemptOutcome.Succeeded, 5000, WebhookDeliveryStatus.Succeeded, 14);

        var host = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = WebhookTenants.All, SubscriptionId = HostLevel });
        Assert.Equal((2L, 1L, 1L), (host.Total, host.Succeeded, host.DeadLettered));
        Assert.Equal(T0.AddSeconds(11), host.LastSuccessAt);
        Assert.Equal(T0.AddSeconds(13), host.LastFailureAt);
        Assert.Equal(Ms(200), host.LatencyP50);

        var window = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = WebhookTenants.All, SubscriptionId = HostLevel, From = T0.AddSeconds(2), Before = T0.AddSeconds(12) });
        Assert.Equal((1L, 0L, 1L), (window.Total, window.Succeeded, window.DeadLettered));
        Assert.Equal(T0.AddSeconds(11), window.LastSuccessAt);
        Assert.Null(window.LastFailureAt);

        // Without a subscription, "*" summarises every tenant's deliveries (test sends left out, as always).
        var everyone = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = WebhookTenants.All });
        Assert.Equal((3L, 2L, 1L), (everyone.Total, everyone.Succeeded, everyone.DeadLettered));
        Assert.Equal(Ms(300), everyone.LatencyP50);

        // Named by one tenant, the same subscription's statistics stay within that tenant.
        var inTenantA = await store.GetDeliveryStatsAsync(new WebhookStatsQuery { TenantId = TenantA, SubscriptionId = HostLevel });
        Assert.Equal((1L, 1L, 0L), (inTenantA.Total, inTenantA.Succeeded, inTenantA.DeadLettered));
        Assert.Equal(Ms(100), inTenantA.LatencyP95);

        // Usage for "*" is every tenant's too; a named tenant's stays its own.
        var usage = await store.GetUsageAsync(WebhookTenants.All, T0, T0.AddMinutes(1));
        Assert.Equal((2L, 3L, 3L), (usage.EventsPublished, usage.Deliveries, usage.Attempts));
        var usageOfA = await store.GetUsageAsync(TenantA, T0, T0.AddMinutes(1));
        Assert.Equal((1L, 2L, 2L), (usageOfA.EventsPublished, usageOfA.Deliveries, usageOfA.Attempts));
    }

    [Fact]
    public async Task Usage_counts_events_deliveries_and_attempts_of_one_tenant_in_a_window_without_test_sends()
    {
        var store = await StatsStoreAsync();

        Assert.Equal(new WebhookUsage(TenantA, T0, T0.AddDays(1), 1, 5, 4), await store.GetUsageAsync(TenantA, T0, T0.AddDays(1)));
        Assert.Equal(new WebhookUsage(TenantA, T0.AddSeconds(3), T0.AddSeconds(13), 0, 3, 2), await store.GetUsageAsync(TenantA, T0.AddSeconds(3), T0.AddSeconds(13)));
        Assert.Equal(new WebhookUsage(TenantB, T0, T0.AddDays(1), 1, 1, 1), await store.GetUsageAsync(TenantB, T0, T0.AddDays(1)));
        Assert.Equal(new WebhookUsage("nobody", T0, T0.AddDays(1), 0, 0, 0), await store.GetUsageAsync("nobody", T0, T0.AddDays(1)));
    }

    [Fact]
    public async Task Usage_leaves_out_attempts_on_a_test_delivery_even_when_they_are_not_marked_as_test_attempts()
    {
        var store = await NewStoreAsync();
        var real = Message(MsgId(1));
        var test = Message(MsgId(2), eventType: WebhookOperationalEvents.Test);
        await store.InsertMessageAsync(real, [StoreTestData.Delivery(DlvId(1), real)]);
        await store.InsertMessageAsync(test, [StoreTestData.Delivery(DlvId(2), test)]);

        // The worker records an ordinary attempt (IsTest unset) on any delivery it claims, a test delivery re-queued
        // through the store included; usage leaves out the test event's attempts as it does its events and deliveries.
        var leases = await Claim(store, T0.AddMinutes(1));
        Assert.Equal(2, leases.Count);
        foreach (var lease in leases)
        {
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = lease.Delivery.Id,
                FencingToken = lease.FencingToken,
                Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(10)),
                NewStatus = WebhookDeliveryStatus.Pending,
                NextAttemptAt = T0.AddHours(1),
            }));
        }

        Assert.Equal(new WebhookUsage(TenantA, T0, T0.AddDays(1), 1, 1, 1), await store.GetUsageAsync(TenantA, T0, T0.AddDays(1)));
    }

    [Fact]
    public async Task RequeueDeliveries_of_a_host_level_subscription_covers_its_deliveries_in_every_tenant()
    {
        // A host-level subscription (tenant "*") receives every tenant's events; its deliveries carry those tenants.
        var store = await NewStoreAsync();
        var held = T0.AddHours(6);
        var inA = Message("msg_host_a", TenantA);
        var inB = Message("msg_host_b", TenantB);
        var otherSubscription = Message("msg_host_c", TenantB);
        await store.InsertMessageAsync(inA, [StoreTestData.Delivery("dlv_host_a", inA, HostLevel, nextAttemptAt: held)]);
        await store.InsertMessageAsync(inB, [StoreTestData.Delivery("dlv_host_b", inB, HostLevel, nextAttemptAt: held)]);
        await store.InsertMessageAsync(otherSubscription, [StoreTestData.Delivery("dlv_host_c", otherSubscription, SubId(1), nextAttemptAt: held)]);
        var due = T0.AddMinutes(1);

        Assert.Equal(2, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest
        {
            TenantId = WebhookTenants.All,
            SubscriptionId = HostLevel,
            DueAt = due,
            IncludePending = true,
            IncludeDeadLettered = false,
        }));

        Assert.Equal(due, (await store.GetDeliveryAsync(TenantA, "dlv_host_a"))!.NextAttemptAt);
        Assert.Equal(due, (await store.GetDeliveryAsync(TenantB, "dlv_host_b"))!.NextAttemptAt);
        Assert.Equal(held, (await store.GetDeliveryAsync(TenantB, "dlv_host_c"))!.NextAttemptAt);

        // Named by its own tenant, a tenant's request still reaches that tenant's deliveries only.
        Assert.Equal(1, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest
        {
            TenantId = TenantA,
            SubscriptionId = HostLevel,
            DueAt = due.AddMinutes(1),
            IncludePending = true,
        }));
        Assert.Equal(due, (await store.GetDeliveryAsync(TenantB, "dlv_host_b"))!.NextAttemptAt);
    }

    [Fact]
    public async Task RequeueDeliveries_recovers_failed_and_dead_lettered_ones_of_a_subscription_and_skips_leased_ones()
    {
        var store = await StatsStoreAsync();
        var due = T0.AddDays(2);

        Assert.Equal(0, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantB, SubscriptionId = SubId(1), DueAt = due }));
        Assert.Equal(1, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, CreatedFrom = T0.AddSeconds(3) }));
        Assert.Equal(2, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due }));

        var dead = await store.GetDeliveryAsync(TenantA, DlvId(2));
        Assert.Equal(WebhookDeliveryStatus.Pending, dead!.Status);
        Assert.Equal(due, dead.NextAttemptAt);
        Assert.Null(dead.CompletedAt);
        Assert.Equal(1, dead.AttemptCount);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(1)))!.Status);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync(TenantA, DlvId(6)))!.Status);

        // d4 (never attempted) is re-queued only with IncludePending, and not while it is leased.
        var leased = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0.AddHours(1), TimeSpan.FromMinutes(1))));
        Assert.Equal(DlvId(4), leased.Delivery.Id);
        Assert.Equal(2, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, IncludePending = true }));
        Assert.Equal(T0.AddHours(1).AddMinutes(1), (await store.GetDeliveryAsync(TenantA, DlvId(4)))!.NextAttemptAt);
        Assert.True(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(DlvId(4), leased.FencingToken, T0.AddHours(1))));
        Assert.Equal(3, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, IncludePending = true }));
        Assert.Equal(due, (await store.GetDeliveryAsync(TenantA, DlvId(4)))!.NextAttemptAt);

        var claimed = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 10, due, TimeSpan.FromMinutes(1)));
        Assert.Equal([DlvId(2), DlvId(3), DlvId(4)], claimed.Select(l => l.Delivery.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RequeueDeliveries_without_IncludeDeadLettered_makes_only_pending_ones_due_however_old()
    {
        var store = await StatsStoreAsync();
        var due = T0.AddDays(2);

        Assert.Equal(2, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, IncludePending = true, IncludeDeadLettered = false }));

        Assert.Equal(due, (await store.GetDeliveryAsync(TenantA, DlvId(3)))!.NextAttemptAt);
        Assert.Equal(due, (await store.GetDeliveryAsync(TenantA, DlvId(4)))!.NextAttemptAt);
        var dead = await store.GetDeliveryAsync(TenantA, DlvId(2));
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, dead!.Status);
        Assert.NotNull(dead.CompletedAt);
        var claimed = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 10, due, TimeSpan.FromMinutes(1)));
        Assert.Equal([DlvId(3), DlvId(4)], claimed.Select(l => l.Delivery.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RequeueDeliveries_with_IncludeLeased_takes_a_leased_delivery_and_fences_off_its_worker()
    {
        var store = await StatsStoreAsync();
        var due = T0.AddDays(2);
        var leased = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0.AddHours(1), TimeSpan.FromMinutes(1))));
        var id = leased.Delivery.Id;

        // Without IncludePending the flag changes nothing for the leased delivery; with it, the delivery is taken too.
        await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, IncludeLeased = true });
        Assert.Equal(T0.AddHours(1).AddMinutes(1), (await store.GetDeliveryAsync(TenantA, id))!.NextAttemptAt);
        await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = due, IncludePending = true, IncludeLeased = true });

        var requeued = await store.GetDeliveryAsync(TenantA, id);
        Assert.Equal(due, requeued!.NextAttemptAt);
        Assert.Null(requeued.LeaseOwner);
        Assert.False(await store.ReleaseLeaseAsync(new WebhookLeaseRelease(id, leased.FencingToken, T0.AddDays(30))));
        Assert.Equal(due, (await store.GetDeliveryAsync(TenantA, id))!.NextAttemptAt);
        var claimed = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w2", 10, due, TimeSpan.FromMinutes(1)));
        Assert.Contains(claimed, l => l.Delivery.Id == id);
    }

    [Fact]
    public async Task Purge_goes_by_the_latest_completion_of_a_delivery_that_was_requeued_and_finished_again()
    {
        var store = await NewStoreAsync();
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [StoreTestData.Delivery(DlvId(1), message, status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3)]);
        var before = new WebhookPurgeRequest { SucceededBefore = T0.AddDays(1), FailedBefore = T0.AddDays(1), MessagesBefore = T0.AddDays(1) };
        var after = before with { FailedBefore = T0.AddDays(3), MessagesBefore = T0.AddDays(3) };

        // Dead-lettered at T0, requeued (pending: never purged), dead-lettered again two days later.
        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(1), T0.AddDays(2)));
        Assert.Equal(new WebhookPurgeResult(0, 0, 0), await store.PurgeAsync(before));
        await DeadLetterAsync(store, DlvId(1), T0.AddDays(2));
        Assert.Equal(new WebhookPurgeResult(0, 0, 0), await store.PurgeAsync(before));

        Assert.Equal(new WebhookPurgeResult(1, 1, 1), await store.PurgeAsync(after));
        Assert.Equal(new WebhookPurgeResult(0, 0, 0), await store.PurgeAsync(after));
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(1)));
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(1)));
    }

    [Fact]
    public async Task Purge_removes_expired_finished_deliveries_their_attempts_and_orphan_messages_in_bounded_batches()
    {
        var store = await NewStoreAsync();
        var m1 = Message(MsgId(1));
        var m2 = Message(MsgId(2), eventType: "error.occurred");
        var m3 = Message(MsgId(3), idempotencyKey: "k");
        var m4 = Message(MsgId(4)) with { Timestamp = T0.AddDays(10) };
        await store.InsertMessageAsync(m1,
        [
            StoreTestData.Delivery(DlvId(1), m1),
            StoreTestData.Delivery(DlvId(2), m1, status: WebhookDeliveryStatus.DeadLettered, attemptCount: 3),
            StoreTestData.Delivery(DlvId(3), m1, nextAttemptAt: T0.AddDays(30)),
        ]);
        await store.InsertMessageAsync(m2,
        [
            StoreTestData.Delivery(DlvId(4), m2, status: WebhookDeliveryStatus.Succeeded, attemptCount: 1),
            StoreTestData.Delivery(DlvId(5), m2, status: WebhookDeliveryStatus.DeadLettered, attemptCount: 1),
        ]);
        await store.InsertMessageAsync(m3, []);
        await store.InsertMessageAsync(m4, []);
        var lease = Assert.Single(await Claim(store, T0));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = DlvId(1),
            FencingToken = lease.FencingToken,
            Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(-1), WebhookAttemptOutcome.Succeeded, 200),
            NewStatus = WebhookDeliveryStatus.Succeeded,
        }));

        var keepErrors = new WebhookPurgeOverride("error.occurred", T0, T0);
        var first = await store.PurgeAsync(new WebhookPurgeRequest
        {
            SucceededBefore = T0.AddSeconds(1),
            FailedBefore = T0,
            MessagesBefore = T0.AddSeconds(1),
            Overrides = [keepErrors],
        });
        Assert.Equal(new WebhookPurgeResult(1, 1, 1), first);
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(1)));
        Assert.Empty(await store.GetAttemptsAsync(TenantA, DlvId(1)));
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(3)));
        Assert.NotNull(await store.GetMessageAsync(TenantA, MsgId(4)));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(2)));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(4)));

        var failed = await store.PurgeAsync(new WebhookPurgeRequest { SucceededBefore = T0.AddSeconds(1), FailedBefore = T0.AddSeconds(1), MessagesBefore = T0.AddSeconds(1), Overrides = [keepErrors] });
        Assert.Equal(new WebhookPurgeResult(1, 0, 0), failed);
        Assert.Null(await store.GetDeliveryAsync(TenantA, DlvId(2)));
        Assert.NotNull(await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(3)));

        var all = new WebhookPurgeRequest { SucceededBefore = T0.AddDays(100), FailedBefore = T0.AddDays(100), MessagesBefore = T0.AddSeconds(1), BatchSize = 1 };
        Assert.Equal(new WebhookPurgeResult(1, 0, 0), await store.PurgeAsync(all));
        Assert.Equal(new WebhookPurgeResult(1, 0, 1), await store.PurgeAsync(all));
        Assert.Equal(new WebhookPurgeResult(0, 0, 0), await store.PurgeAsync(all));
        Assert.Null(await store.GetMessageAsync(TenantA, MsgId(2)));
        Assert.NotNull(await store.GetMessageAsync(TenantA, MsgId(1)));
        Assert.NotNull(await store.GetDeliveryAsync(TenantA, DlvId(3)));

        // A purged idempotency key can be used again.
        var again = await store.InsertMessageAsync(Message(MsgId(9), idempotencyKey: "k"), []);
        Assert.False(again.IsDuplicate);
    }

    [Fact]
    public async Task Backlog_counts_pending_deliveries_of_active_subscriptions_and_recent_dead_letters()
    {
        var store = await NewStoreAsync();
        Assert.Equal(new WebhookBacklog(0, null, 0), await store.GetBacklogAsync(T0));
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        await store.CreateSubscriptionAsync(Subscription(SubId(2), state: WebhookSubscriptionState.Disabled));
        var m = Message(MsgId(1));
        await store.InsertMessageAsync(m,
        [
            StoreTestData.Delivery(DlvId(1), m, SubId(1), createdAt: T0.AddSeconds(2)),
            StoreTestData.Delivery(DlvId(2), m, SubId(1), createdAt: T0.AddSeconds(1)),
            StoreTestData.Delivery(DlvId(3), m, SubId(2), createdAt: T0),
            StoreTestData.Delivery(DlvId(4), m, SubId(1), createdAt: T0.AddSeconds(5), status: WebhookDeliveryStatus.DeadLettered),
            StoreTestData.Delivery(DlvId(5), m, SubId(1), createdAt: T0.AddSeconds(5), status: WebhookDeliveryStatus.Succeeded),
        ]);

        Assert.Equal(new WebhookBacklog(2, T0.AddSeconds(1), 1), await store.GetBacklogAsync(T0.AddSeconds(5)));
        Assert.Equal(new WebhookBacklog(2, T0.AddSeconds(1), 0), await store.GetBacklogAsync(T0.AddSeconds(6)));
    }

    [Fact]
    public async Task A_failure_streak_keeps_its_first_start_until_it_ends()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        await store.CreateSubscriptionAsync(Subscription(SubId(2)));

        Assert.Equal(T0, await store.StartFailureStreakAsync(SubId(1), T0));
        Assert.Equal(T0, await store.StartFailureStreakAsync(SubId(1), T0.AddHours(1)));
        Assert.Equal(T0.AddHours(2), await store.StartFailureStreakAsync(SubId(2), T0.AddHours(2)));

        // An update of the subscription (its document) leaves the streak alone.
        var updated = Subscription(SubId(1)) with { Description = "renamed" };
        Assert.True(await store.UpdateSubscriptionAsync(updated));
        Assert.Equal(T0, await store.StartFailureStreakAsync(SubId(1), T0.AddHours(3)));

        // Ended, the next failure starts a new one; the other subscription's goes on.
        await store.EndFailureStreakAsync(SubId(1));
        await store.EndFailureStreakAsync(SubId(1));
        Assert.Equal(T0.AddHours(4), await store.StartFailureStreakAsync(SubId(1), T0.AddHours(4)));
        Assert.Equal(T0.AddHours(2), await store.StartFailureStreakAsync(SubId(2), T0.AddHours(5)));

        // A deleted subscription's streak goes with it; an unknown one keeps nothing.
        Assert.True(await store.DeleteSubscriptionAsync(TenantA, SubId(2)));
        await store.CreateSubscriptionAsync(Subscription(SubId(2)));
        Assert.Equal(T0.AddHours(6), await store.StartFailureStreakAsync(SubId(2), T0.AddHours(6)));
        Assert.Equal(T0.AddHours(7), await store.StartFailureStreakAsync(SubId(9), T0.AddHours(7)));
        Assert.Equal(T0.AddHours(8), await store.StartFailureStreakAsync(SubId(9), T0.AddHours(8)));
    }

    [Fact]
    public async Task Backlog_follows_a_delivery_into_and_out_of_dead_letters()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var m = Message(MsgId(1));
        await store.InsertMessageAsync(m,
        [
            StoreTestData.Delivery(DlvId(1), m, SubId(1), createdAt: T0),
            StoreTestData.Delivery(DlvId(2), m, SubId(1), createdAt: T0.AddSeconds(1)),
        ]);
        Assert.Equal(new WebhookBacklog(2, T0, 0), await store.GetBacklogAsync(T0));

        // Dead-lettered by its last attempt: out of the pending count, into the dead letters.
        await DeadLetterAsync(store, DlvId(1), T0.AddSeconds(10));
        Assert.Equal(new WebhookBacklog(1, T0.AddSeconds(1), 1), await store.GetBacklogAsync(T0));

        // Requeued one by one, then dead-lettered again, then requeued in bulk.
        Assert.True(await store.RequeueDeliveryAsync(TenantA, DlvId(1), T0.AddSeconds(20)));
        Assert.Equal(new WebhookBacklog(2, T0, 0), await store.GetBacklogAsync(T0));
        await DeadLetterAsync(store, DlvId(1), T0.AddSeconds(30));
        Assert.Equal(new WebhookBacklog(1, T0.AddSeconds(1), 1), await store.GetBacklogAsync(T0));
        Assert.Equal(1, await store.RequeueDeliveriesAsync(new WebhookRequeueRequest { TenantId = TenantA, SubscriptionId = SubId(1), DueAt = T0.AddSeconds(40) }));
        Assert.Equal(new WebhookBacklog(2, T0, 0), await store.GetBacklogAsync(T0));

        // Both dead-lettered, then one purged: only the one still stored counts.
        await DeadLetterAsync(store, DlvId(1), T0.AddSeconds(50));
        await DeadLetterAsync(store, DlvId(2), T0.AddDays(10));
        Assert.Equal(new WebhookBacklog(0, null, 2), await store.GetBacklogAsync(T0));
        var purged = await store.PurgeAsync(new WebhookPurgeRequest { SucceededBefore = T0, FailedBefore = T0.AddDays(1), MessagesBefore = T0 });
        Assert.Equal(1, purged.Deliveries);
        Assert.Equal(new WebhookBacklog(0, null, 1), await store.GetBacklogAsync(T0));
    }

    [Fact]
    public async Task Backlog_leaves_out_test_sends_pending_or_dead_lettered()
    {
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var real = Message(MsgId(1));
        var test = Message(MsgId(2), eventType: WebhookOperationalEvents.Test);
        await store.InsertMessageAsync(real, [StoreTestData.Delivery(DlvId(1), real, SubId(1), createdAt: T0.AddSeconds(3))]);
        await store.InsertMessageAsync(test,
        [
            StoreTestData.Delivery(DlvId(2), test, SubId(1), createdAt: T0, nextAttemptAt: T0.AddDays(3650)),
            StoreTestData.Delivery(DlvId(3), test, SubId(1), createdAt: T0.AddSeconds(1)),
        ]);

        // A failed test send is recorded dead-lettered the way SendTestAsync records it: through a leased attempt.
        var lease = Assert.Single(await Claim(store, T0.AddMinutes(1)), l => l.Delivery.Id == DlvId(3));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = lease.Delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(2), isTest: true),
            NewStatus = WebhookDeliveryStatus.DeadLettered,
        }));

        Assert.Equal(WebhookDeliveryStatus.DeadLettered, (await store.GetDeliveryAsync(TenantA, DlvId(3)))!.Status);
        Assert.Equal(new WebhookBacklog(1, T0.AddSeconds(3), 0), await store.GetBacklogAsync(T0));
    }

    [Fact]
    public async Task EventTypeSummaries_count_publishes_and_delivery_outcomes_per_event_type()
    {
        var store = await StatsStoreAsync();
        var paid = Message(MsgId(10), eventType: "invoice.paid") with { Timestamp = T0.AddSeconds(30) };
        await store.InsertMessageAsync(paid, []);
        await store.InsertMessageAsync(Message(MsgId(11)) with { Timestamp = T0.AddSeconds(20) }, []);

        var tenantA = await store.GetEventTypeSummariesAsync(TenantA, null);
        Assert.Equal(
            [
                new WebhookEventTypeSummary("booking.created", 2, T0.AddSeconds(20), 5, 2, 1),
                new WebhookEventTypeSummary("invoice.paid", 1, T0.AddSeconds(30), 0, 0, 0),
            ],
            tenantA);
        var everyone = await store.GetEventTypeSummariesAsync(null, null);
        Assert.Equal(new WebhookEventTypeSummary("booking.created", 3, T0.AddSeconds(20), 6, 3, 1), everyone[0]);
        var recent = await store.GetEventTypeSummariesAsync(TenantA, T0.AddSeconds(25));
        Assert.Equal([new WebhookEventTypeSummary("invoice.paid", 1, T0.AddSeconds(30), 0, 0, 0)], recent);
    }

    [Fact]
    public async Task TraceParent_round_trips_through_get_and_claim()
    {
        var store = await NewStoreAsync();
        var traced = Message(MsgId(1)) with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        await store.InsertMessageAsync(traced, [StoreTestData.Delivery(DlvId(1), traced)]);

        StoreAssert.Equal(traced, await store.GetMessageAsync(TenantA, MsgId(1)));
        StoreAssert.Equal(traced, Assert.Single(await Claim(store, T0)).Message);
    }
}
