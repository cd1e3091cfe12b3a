using Choreblimey.Webhooks.PostgreSql;
using Npgsql;
using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// Group commit of publishes. Each test holds the publish flusher (see <see cref="FlusherHold"/>), queues publishes behind
/// it, then lets go: everything queued meanwhile goes to the server as one batch.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlPublishBatchTests(PostgreSqlServerFixture fixture)
{
    [Fact]
    public async Task Publishes_in_one_batch_each_check_their_idempotency_key_as_if_alone()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var earlier = Message("tenant-a", "key-earlier");
        Assert.False((await store.InsertMessageAsync(earlier, Deliveries(earlier, 1))).IsDuplicate);

        var first = Message("tenant-a", "key-new");
        var second = Message("tenant-a", "key-new");
        var again = Message("tenant-a", "key-earlier");
        var otherTenant = Message("tenant-b", "key-new");
        var keyless = Message("tenant-a");
        var empty = Message("tenant-a");
        Task<WebhookMessageInsertResult>[] results;
        long batchesBefore;
        await using (await HoldFlusherAsync(store))
        {
            batchesBefore = store.PublishBatches;
            results =
            [
                store.InsertMessageAsync(first, Deliveries(first, 2)).AsTask(),
                store.InsertMessageAsync(second, Deliveries(second, 3)).AsTask(),
                store.InsertMessageAsync(again, Deliveries(again, 4)).AsTask(),
                store.InsertMessageAsync(otherTenant, Deliveries(otherTenant, 1)).AsTask(),
                store.InsertMessageAsync(keyless, Deliveries(keyless, 3)).AsTask(),
                store.InsertMessageAsync(empty, []).AsTask(),
            ];
            Assert.All(results, r => Assert.False(r.IsCompleted, "A publish was answered while the flusher was held."));
        }

        var answers = await Task.WhenAll(results);

        // The held publish, then the six queued ones together; one key twice, so statement by statement.
        Assert.Equal(batchesBefore + 2, store.PublishBatches);
        Assert.Equal(0, store.CombinedPublishBatches);
        Assert.Equal(new WebhookMessageInsertResult(first.Id, 2, IsDuplicate: false), answers[0]);
        Assert.Equal(new WebhookMessageInsertResult(first.Id, 2, IsDuplicate: true), answers[1]);
        Assert.Equal(new WebhookMessageInsertResult(earlier.Id, 1, IsDuplicate: true), answers[2]);
        Assert.Equal(new WebhookMessageInsertResult(otherTenant.Id, 1, IsDuplicate: false), answers[3]);
        Assert.Equal(new WebhookMessageInsertResult(keyless.Id, 3, IsDuplicate: false), answers[4]);
        Assert.Equal(new WebhookMessageInsertResult(empty.Id, 0, IsDuplicate: false), answers[5]);

        // Duplicates wrote nothing.
        Assert.Null(await store.GetMessageAsync("tenant-a", second.Id));
        Assert.Null(await store.GetMessageAsync("tenant-a", again.Id));
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", MessageId = second.Id })).Items);
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", MessageId = again.Id })).Items);
        Assert.Equal(2, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", MessageId = first.Id })).Items.Count);
        Assert.NotNull(await store.GetMessageAsync("tenant-a", empty.Id));
    }

    [Fact]
    public async Task Publishes_with_distinct_keys_go_as_one_statement_that_inserts_each_as_if_alone()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var earlier = Message("tenant-a", "key-earlier");
        Assert.False((await store.InsertMessageAsync(earlier, Deliveries(earlier, 1))).IsDuplicate);

        var keyed = Message("tenant-a", "key-new");
        var again = Message("tenant-a", "key-earlier");
        var otherTenant = Message("tenant-b", "key-earlier");
        var keyless = Message("tenant-a");
        var empty = Message("tenant-a");
        var publishes = new (WebhookMessage Message, int Deliveries)[] { (keyed, 2), (again, 4), (otherTenant, 1), (keyless, 3), (empty, 0) };
        Task<WebhookMessageInsertResult>[] results;
        long batchesBefore;
        await using (await HoldFlusherAsync(store))
        {
            batchesBefore = store.PublishBatches;
            results = [.. publishes.Select(p => store.InsertMessageAsync(p.Message, Deliveries(p.Message, p.Deliveries)).AsTask())];
        }

        var answers = await Task.WhenAll(results);

        Assert.Equal(batchesBefore + 2, store.PublishBatches);
        Assert.Equal(1, store.CombinedPublishBatches);
        Assert.Equal(new WebhookMessageInsertResult(keyed.Id, 2, IsDuplicate: false), answers[0]);
        Assert.Equal(new WebhookMessageInsertResult(earlier.Id, 1, IsDuplicate: true), answers[1]);
        Assert.Equal(new WebhookMessageInsertResult(otherTenant.Id, 1, IsDuplicate: false), answers[2]);
        Assert.Equal(new WebhookMessageInsertResult(keyless.Id, 3, IsDuplicate: false), answers[3]);
        Assert.Equal(new WebhookMessageInsertResult(empty.Id, 0, IsDuplicate: false), answers[4]);

        // Each inserted message is stored whole, with exactly its own deliveries; the duplicate wrote nothing.
        foreach (var (message, count) in publishes.Where(p => p.Message != again))
        {
            var stored = await store.GetMessageAsync(message.TenantId, message.Id);
            Assert.NotNull(stored);
            Assert.Equal(message.Data.ToArray(), stored.Data.ToArray());
            Assert.Equal(message.IdempotencyKey, stored.IdempotencyKey);
            Assert.Equal(message.EventType, stored.EventType);
            var deliveries = (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = message.TenantId, MessageId = message.Id })).Items;
            Assert.Equal(count, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        }

        Assert.Null(await store.GetMessageAsync("tenant-a", again.Id));
        Assert.Empty((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", MessageId = again.Id })).Items);
    }

    [Fact]
    public async Task A_publish_the_server_rejects_fails_alone_and_the_rest_of_its_batch_is_written()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var good = Enumerable.Range(0, 5).Select(_ => Message("tenant-a")).ToArray();
        var bad = Message("tenant-a", "bad-key");
        var clash = PostgreSqlTestData.Delivery(bad);
        Task<WebhookMessageInsertResult> rejected;
        List<Task<WebhookMessageInsertResult>> accepted;
        await using (await HoldFlusherAsync(store))
        {
            accepted = [.. good.Take(2).Select(m => store.InsertMessageAsync(m, Deliveries(m, 2)).AsTask())];

            // Two deliveries with one id: the server rejects the statement (and, with it, the batch it is in).
            rejected = store.InsertMessageAsync(bad, [clash, clash]).AsTask();
            accepted.AddRange(good.Skip(2).Select(m => store.InsertMessageAsync(m, Deliveries(m, 2)).AsTask()));
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => rejected);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        for (var i = 0; i < good.Length; i++)
        {
            Assert.Equal(new WebhookMessageInsertResult(good[i].Id, 2, IsDuplicate: false), await accepted[i]);
            Assert.Equal(2, (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a", MessageId = good[i].Id })).Items.Count);
        }

        Assert.Null(await store.GetMessageAsync("tenant-a", bad.Id));

        // The rejected publish did not take its key.
        var retry = await store.InsertMessageAsync(bad, [clash]);
        Assert.Equal(new WebhookMessageInsertResult(bad.Id, 1, IsDuplicate: false), retry);
    }

    [Fact]
    public async Task A_publish_cancelled_while_queued_is_not_written()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a", "cancelled-key");
        Task<WebhookMessageInsertResult> cancelled;
        await using (var hold = await HoldFlusherAsync(store))
        {
            using var cancel = new CancellationTokenSource();
            cancelled = store.InsertMessageAsync(message, Deliveries(message, 1), cancel.Token).AsTask();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            Assert.False(hold.Held.IsCompleted, "The held publish was answered before the lock was let go.");
        }

        Assert.Null(await store.GetMessageAsync("tenant-a", message.Id));
        Assert.False((await store.InsertMessageAsync(message, Deliveries(message, 1))).IsDuplicate);
    }

    /// <summary>Holds the store's publish flusher with a publish that waits on a lock of the messages table.</summary>
    private Task<FlusherHold> HoldFlusherAsync(PostgreSqlWebhookStore store)
    {
        var held = Message("tenant-held");
        return FlusherHold.StartAsync(fixture.DatabaseConnectionString, store, "messages", async () =>
            Assert.False((await store.InsertMessageAsync(held, Deliveries(held, 1))).IsDuplicate));
    }
}
