using Choreblimey.Webhooks.PostgreSql;
using Npgsql;
using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// Group commit of attempt records and lease releases. Each test holds the flusher (see <see cref="FlusherHold"/>), queues
/// writes behind it, then lets go: everything queued meanwhile goes to the server as one batch.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlFencedWriteBatchTests(PostgreSqlServerFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset RetryAt = T0.AddHours(1);

    [Fact]
    public async Task Concurrent_records_sent_as_one_batch_each_get_their_own_fenced_result()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var deliveries = Deliveries(message, 40);
        await store.InsertMessageAsync(message, deliveries);
        var old = (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("old", 100, T0, Lease))).ToDictionary(l => l.Delivery.Id);
        Assert.Equal(40, old.Count);

        // Half the leases lapse and another worker claims those deliveries again: the first owner's token is stale for them.
        var reclaimed = (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("new", 20, T0 + Lease, Lease))).ToDictionary(l => l.Delivery.Id);
        Assert.Equal(20, reclaimed.Count);
        var untouched = deliveries.Where(d => !reclaimed.ContainsKey(d.Id)).ToArray();

        // Per delivery, its records in queue order: for re-claimed ones a stale and a current record, in both orders.
        var groups = new List<(string DeliveryId, string What, bool Expected, WebhookAttemptRecord Record)[]>();
        var i = 0;
        foreach (var (id, lease) in reclaimed)
        {
            var stale = ("stale", false, Record(lease.Delivery, old[id].FencingToken, WebhookDeliveryStatus.DeadLettered, WebhookAttemptOutcome.HttpError, 500));
            var current = ("current", true, Record(lease.Delivery, lease.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200));
            var pair = i++ % 2 == 0 ? new[] { stale, current } : [current, stale];
            groups.Add([.. pair.Select(p => (id, p.Item1, p.Item2, p.Item3))]);
        }

        foreach (var delivery in untouched)
        {
            var retry = i++ % 2 == 0;
            var record = retry
                ? Record(delivery, old[delivery.Id].FencingToken, WebhookDeliveryStatus.Pending, WebhookAttemptOutcome.HttpError, 503)
                : Record(delivery, old[delivery.Id].FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200);
            groups.Add([(delivery.Id, retry ? "retry" : "success", true, record)]);
        }

        // A fixed shuffle, so the queue order is unrelated to delivery ids or to which records apply.
        var shuffled = groups.ToArray();
        new Random(20261130).Shuffle(shuffled);

        var calls = new List<(string DeliveryId, string What, bool Expected, Task<bool> Result)>();
        await using (await HoldFlusherAsync(store, message))
        {
            foreach (var (id, what, expected, record) in shuffled.SelectMany(g => g))
            {
                calls.Add((id, what, expected, store.RecordAttemptAsync(record).AsTask()));
            }

            Assert.All(calls, c => Assert.False(c.Result.IsCompleted, $"The {c.What} record for {c.DeliveryId} was answered while the flusher was held."));
        }

        var answers = await Task.WhenAll(calls.Select(c => c.Result));
        for (var k = 0; k < calls.Count; k++)
        {
            Assert.True(calls[k].Expected == answers[k], $"The {calls[k].What} record for {calls[k].DeliveryId} returned {answers[k]}.");
        }

        // The held batch, then all 60 queued records in one more; two records for one delivery, so statement by statement.
        Assert.Equal(2, store.FencedWriteBatches);
        Assert.Equal(0, store.CombinedFencedWriteBatches);

        foreach (var id in reclaimed.Keys)
        {
            var stored = await store.GetDeliveryAsync("tenant-a", id);
            Assert.Equal(WebhookDeliveryStatus.Succeeded, stored!.Status);
            Assert.Equal(1, stored.AttemptCount);
            Assert.Equal(200, stored.LastStatusCode);
            Assert.Equal(200, Assert.Single(await store.GetAttemptsAsync("tenant-a", id)).StatusCode);
        }

        foreach (var (id, what, _, _) in calls.Where(c => c.What is "retry" or "success"))
        {
            var stored = await store.GetDeliveryAsync("tenant-a", id);
            Assert.Equal(what == "retry" ? WebhookDeliveryStatus.Pending : WebhookDeliveryStatus.Succeeded, stored!.Status);
            Assert.Equal(1, stored.AttemptCount);
            Assert.Null(stored.LeaseOwner);
            if (what == "retry")
            {
                Assert.Equal(RetryAt, stored.NextAttemptAt);
            }

            Assert.Single(await store.GetAttemptsAsync("tenant-a", id));
        }
    }

    [Fact]
    public async Task Records_and_releases_for_distinct_deliveries_go_as_one_statement_each_fenced_as_if_alone()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var deliveries = Deliveries(message, 30);
        await store.InsertMessageAsync(message, deliveries);
        var old = (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("old", 100, T0, Lease))).ToDictionary(l => l.Delivery.Id);
        var reclaimed = (await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("new", 10, T0 + Lease, Lease))).ToDictionary(l => l.Delivery.Id);
        var untouched = deliveries.Where(d => !reclaimed.ContainsKey(d.Id)).ToArray();
        var releaseAt = T0.AddMinutes(5);

        // One write per delivery: stale records and releases for the re-claimed ones; successes, retries, dead letters and
        // current releases for the others.
        var writes = new List<(string DeliveryId, string What, bool Expected, Func<Task<bool>> Send)>();
        var i = 0;
        foreach (var (id, lease) in reclaimed)
        {
            var token = old[id].FencingToken;
            writes.Add(i++ % 2 == 0
                ? (id, "stale record", false, () => store.RecordAttemptAsync(Record(lease.Delivery, token, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200)).AsTask())
                : (id, "stale release", false, () => store.ReleaseLeaseAsync(new WebhookLeaseRelease(id, token, releaseAt)).AsTask()));
        }

        foreach (var delivery in untouched)
        {
            var token = old[delivery.Id].FencingToken;
            writes.Add((i++ % 4) switch
            {
                0 => (delivery.Id, "success", true, () => store.RecordAttemptAsync(Record(delivery, token, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200)).AsTask()),
                1 => (delivery.Id, "retry", true, () => store.RecordAttemptAsync(Record(delivery, token, WebhookDeliveryStatus.Pending, WebhookAttemptOutcome.HttpError, 503)).AsTask()),
                2 => (delivery.Id, "dead letter", true, () => store.RecordAttemptAsync(Record(delivery, token, WebhookDeliveryStatus.DeadLettered, WebhookAttemptOutcome.HttpError, 410)).AsTask()),
                _ => (delivery.Id, "release", true, () => store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, token, releaseAt)).AsTask()),
            });
        }

        var shuffled = writes.ToArray();
        new Random(20261201).Shuffle(shuffled);
        var calls = new List<(string DeliveryId, string What, bool Expected, Task<bool> Result)>();
        await using (await HoldFlusherAsync(store, message))
        {
            calls.AddRange(shuffled.Select(w => (w.DeliveryId, w.What, w.Expected, w.Send())));
        }

        var answers = await Task.WhenAll(calls.Select(c => c.Result));
        for (var k = 0; k < calls.Count; k++)
        {
            Assert.True(calls[k].Expected == answers[k], $"The {calls[k].What} for {calls[k].DeliveryId} returned {answers[k]}.");
        }

        Assert.Equal(2, store.FencedWriteBatches);
        Assert.Equal(1, store.CombinedFencedWriteBatches);
        foreach (var (id, what, _, _) in calls)
        {
            var stored = (await store.GetDeliveryAsync("tenant-a", id))!;
            var attempts = await store.GetAttemptsAsync("tenant-a", id);
            switch (what)
            {
                case "stale record" or "stale release":
                    // The newer lease stands, untouched.
                    Assert.Equal((WebhookDeliveryStatus.Pending, 0, "new", reclaimed[id].FencingToken), (stored.Status, stored.AttemptCount, stored.LeaseOwner, stored.FencingToken));
                    Assert.Empty(attempts);
                    break;
                case "success" or "dead letter":
                    var status = what == "success" ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.DeadLettered;
                    var code = what == "success" ? 200 : 410;
                    Assert.Equal((status, 1, (string?)null, (int?)code), (stored.Status, stored.AttemptCount, stored.LeaseOwner, stored.LastStatusCode));
                    Assert.NotNull(stored.CompletedAt);
                    Assert.Equal(code, Assert.Single(attempts).StatusCode);
                    break;
                case "retry":
                    Assert.Equal((WebhookDeliveryStatus.Pending, 1, (string?)null, RetryAt), (stored.Status, stored.AttemptCount, stored.LeaseOwner, stored.NextAttemptAt));
                    Assert.Null(stored.CompletedAt);
                    Assert.Equal(503, Assert.Single(attempts).StatusCode);
                    break;
                default:
                    Assert.Equal((WebhookDeliveryStatus.Pending, 0, (string?)null, releaseAt), (stored.Status, stored.AttemptCount, stored.LeaseOwner, stored.NextAttemptAt));
                    Assert.Empty(attempts);
                    break;
            }
        }
    }

    [Fact]
    public async Task A_record_the_server_rejects_fails_alone_and_the_rest_of_its_batch_is_written()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var deliveries = Deliveries(message, 10);
        await store.InsertMessageAsync(message, deliveries);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 100, T0, Lease));
        var poisoned = leases[4].Delivery.Id;
        await ExecuteAsync(
            $"""
            CREATE FUNCTION "{store.Schema}".reject_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.delivery_id = '{poisoned}' THEN RAISE EXCEPTION 'rejected by test' USING ERRCODE = 'P0001'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER reject_attempt BEFORE INSERT ON "{store.Schema}".attempts FOR EACH ROW EXECUTE FUNCTION "{store.Schema}".reject_attempt();
            """);

        var calls = new List<(string DeliveryId, Task<bool> Result)>();
        await using (await HoldFlusherAsync(store, message))
        {
            foreach (var lease in leases)
            {
                var record = Record(lease.Delivery, lease.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200);
                calls.Add((lease.Delivery.Id, store.RecordAttemptAsync(record).AsTask()));
            }
        }

        var rejected = await Assert.ThrowsAsync<PostgresException>(() => calls.Single(c => c.DeliveryId == poisoned).Result);
        Assert.Equal("P0001", rejected.SqlState);
        foreach (var (id, result) in calls.Where(c => c.DeliveryId != poisoned))
        {
            Assert.True(await result, $"The record for {id} was not applied.");
            Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync("tenant-a", id))!.Status);
        }

        var untouched = await store.GetDeliveryAsync("tenant-a", poisoned);
        Assert.Equal(WebhookDeliveryStatus.Pending, untouched!.Status);
        Assert.Equal(0, untouched.AttemptCount);
        Assert.Empty(await store.GetAttemptsAsync("tenant-a", poisoned));
    }

    [Fact]
    public async Task A_batch_whose_session_ends_with_a_fatal_error_fails_every_write_and_runs_none_again()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var deliveries = Deliveries(message, 5);
        await store.InsertMessageAsync(message, deliveries);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 100, T0, Lease));

        // The first attempt inserted terminates its own server session (FATAL 57P01, as an administrator's kill or a shutdown
        // does); later ones pass, so a write run again after the batch would be applied.
        await ExecuteAsync(
            $"""
            CREATE SEQUENCE "{store.Schema}".terminations;
            CREATE FUNCTION "{store.Schema}".terminate_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('"{store.Schema}".terminations') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER terminate_once BEFORE INSERT ON "{store.Schema}".attempts FOR EACH ROW EXECUTE FUNCTION "{store.Schema}".terminate_once();
            """);

        var calls = new List<Task<bool>>();
        await using (await HoldFlusherAsync(store, message))
        {
            calls.AddRange(leases.Select(lease =>
                store.RecordAttemptAsync(Record(lease.Delivery, lease.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200)).AsTask()));
        }

        // A session that ended may have committed first: the outcome is unknown, so each caller gets the error.
        foreach (var call in calls)
        {
            var fatal = await Assert.ThrowsAsync<PostgresException>(() => call);
            Assert.Equal(PostgresErrorCodes.AdminShutdown, fatal.SqlState);
        }

        foreach (var lease in leases)
        {
            Assert.Equal(0, (await store.GetDeliveryAsync("tenant-a", lease.Delivery.Id))!.AttemptCount);
        }

        // The flusher goes on, on a new connection.
        var first = leases[0];
        Assert.True(await store.RecordAttemptAsync(Record(first.Delivery, first.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200)));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync("tenant-a", first.Delivery.Id))!.Status);
    }

    [Fact]
    public async Task A_caller_that_cancels_while_queued_is_answered_at_once_and_its_write_is_skipped()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0, Lease)));
        var record = Record(delivery, lease.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200);

        await using (var hold = await HoldFlusherAsync(store, message))
        {
            using var cancel = new CancellationTokenSource();
            var cancelled = store.RecordAttemptAsync(record, cancel.Token).AsTask();
            var release = store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, lease.FencingToken, T0), cancel.Token).AsTask();
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => release);
            Assert.False(hold.Held.IsCompleted, "The held write was answered before the lock was let go.");
        }

        // Neither cancelled write ran, and the flusher goes on.
        var stored = await store.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(0, stored!.AttemptCount);
        Assert.Equal("w", stored.LeaseOwner);
        Assert.True(await store.RecordAttemptAsync(record));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, (await store.GetDeliveryAsync("tenant-a", delivery.Id))!.Status);
    }

    [Fact]
    public async Task Disposing_the_store_writes_what_was_queued_and_then_refuses_writes()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0, Lease)));
        var record = Record(delivery, lease.FencingToken, WebhookDeliveryStatus.Pending, WebhookAttemptOutcome.HttpError, 503);

        Task<bool> queued;
        ValueTask disposing;
        await using (await HoldFlusherAsync(store, message))
        {
            queued = store.RecordAttemptAsync(record).AsTask();
            disposing = store.DisposeAsync();
            Assert.False(queued.IsCompleted);
        }

        await disposing;
        Assert.True(await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.RecordAttemptAsync(record));

        var reader = await fixture.CreatePostgreSqlStoreAsync(store.Schema);
        var stored = await reader.GetDeliveryAsync("tenant-a", delivery.Id);
        Assert.Equal(1, stored!.AttemptCount);
        Assert.Equal(RetryAt, stored.NextAttemptAt);
    }

    [Fact]
    public async Task A_batched_retry_wakes_a_waiter_on_another_store()
    {
        var schema = fixture.NewSchemaName();
        var store = await fixture.CreatePostgreSqlStoreAsync(schema);
        var waiter = await fixture.CreatePostgreSqlStoreAsync(schema);
        var message = Message("tenant-a");
        var deliveries = Deliveries(message, 5);
        await store.InsertMessageAsync(message, deliveries);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 5, T0, Lease));
        var calls = new List<Task<bool>>();
        Task<bool> wake;
        await using (await HoldFlusherAsync(store, message))
        {
            // Listening starts after every insert, so only the batch below can wake the waiter.
            await waiter.StartListeningAsync(CancellationToken.None);
            wake = waiter.WaitForNotificationAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            calls.Add(store.RecordAttemptAsync(Record(leases[0].Delivery, leases[0].FencingToken, WebhookDeliveryStatus.Pending, WebhookAttemptOutcome.HttpError, 503)).AsTask());
            calls.AddRange(leases.Skip(1).Select(l =>
                store.RecordAttemptAsync(Record(l.Delivery, l.FencingToken, WebhookDeliveryStatus.Succeeded, WebhookAttemptOutcome.Succeeded, 200)).AsTask()));
            Assert.False(wake.IsCompleted, "The waiter was woken before the batch was sent.");
        }

        Assert.All(await Task.WhenAll(calls), Assert.True);
        Assert.True(await wake, "The waiter timed out instead of being woken by the batch that rescheduled a delivery.");
    }

    [Fact]
    public async Task A_response_body_or_error_with_a_nul_character_is_recorded_with_the_character_replaced()
    {
        // PostgreSQL text cannot hold NUL; a receiver that answers with one must not make its delivery's record fail forever.
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        var delivery = PostgreSqlTestData.Delivery(message);
        await store.InsertMessageAsync(message, [delivery]);
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 1, T0, Lease)));
        var record = Record(delivery, lease.FencingToken, WebhookDeliveryStatus.Pending, WebhookAttemptOutcome.HttpError, 500);
        record = record with { Attempt = record.Attempt with { ResponseBody = "a\0b", Error = "x\0y" } };

        Assert.True(await store.RecordAttemptAsync(record));

        var attempt = Assert.Single(await store.GetAttemptsAsync("tenant-a", delivery.Id));
        Assert.Equal("a\uFFFDb", attempt.ResponseBody);
        Assert.Equal("x\uFFFDy", attempt.Error);
        Assert.Equal("x\uFFFDy", (await store.GetDeliveryAsync("tenant-a", delivery.Id))!.LastError);
    }

    private static WebhookAttemptRecord Record(WebhookDelivery delivery, long token, WebhookDeliveryStatus status, WebhookAttemptOutcome outcome, int statusCode) => new()
    {
        DeliveryId = delivery.Id,
        FencingToken = token,
        Attempt = Attempt(delivery, 1, outcome, statusCode),
        NewStatus = status,
        NextAttemptAt = RetryAt,
    };

    /// <summary>
    /// Holds the store's attempt-record flusher with a record (for a delivery of its own, under a token that never matches)
    /// that waits on a lock of the attempts table.
    /// </summary>
    private async Task<FlusherHold> HoldFlusherAsync(PostgreSqlWebhookStore store, WebhookMessage message)
    {
        var own = Message(message.TenantId);
        var blocker = PostgreSqlTestData.Delivery(own);
        await store.InsertMessageAsync(own, [blocker]);
        return await FlusherHold.StartAsync(fixture.DatabaseConnectionString, store, "attempts", async () =>
            Assert.False(
                await store.RecordAttemptAsync(new WebhookAttemptRecord
                {
                    DeliveryId = blocker.Id,
                    FencingToken = 999,
                    Attempt = Attempt(blocker, 1),
                    NewStatus = WebhookDeliveryStatus.DeadLettered,
                }),
                "The held record applied, though its token never matches."));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
