using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Testing.Support;
using Npgsql;
using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// A flusher keeps its connection while batches follow one another, returns it to the pool when its queue runs dry, and
/// replaces it when it breaks. The flusher is held with <see cref="FlusherHold"/>, so that writes queue behind a batch.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlFlusherConnectionTests(PostgreSqlServerFixture fixture)
{
    [Fact]
    public async Task Batches_that_follow_one_another_share_one_connection_which_goes_back_to_the_pool_when_the_queue_runs_dry()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var queued = Enumerable.Range(0, 5).Select(_ => Message("tenant-a")).ToArray();
        Exception? heldError = null;
        Task<WebhookMessageInsertResult>[] results;
        await using (await HoldFlusherAsync(store, error => heldError = error))
        {
            results = [.. queued.Select(m => store.InsertMessageAsync(m, Deliveries(m, 2)).AsTask())];
        }

        Assert.Null(heldError);

        Assert.All(await Task.WhenAll(results), r => Assert.Equal(2, r.DeliveryCount));
        Assert.Equal(2, store.PublishBatches);
        Assert.Equal(1, store.Publishes.ConnectionsOpened);
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(!store.Publishes.HoldsConnection), "the publish flusher to return its connection");

        // Alone, a publish takes a connection for its own batch and gives it back.
        var later = Message("tenant-a");
        Assert.Equal(1, (await store.InsertMessageAsync(later, Deliveries(later, 1))).DeliveryCount);
        Assert.Equal(2, store.Publishes.ConnectionsOpened);
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(!store.Publishes.HoldsConnection), "the publish flusher to return its connection");
    }

    [Fact]
    public async Task When_the_held_connection_breaks_its_batch_gets_the_error_and_the_next_batch_runs_on_a_new_connection()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var queued = Enumerable.Range(0, 3).Select(_ => Message("tenant-a")).ToArray();
        Exception? heldError = null;
        Task<WebhookMessageInsertResult>[] results;
        await using (await HoldFlusherAsync(store, error => heldError = error))
        {
            results = [.. queued.Select(m => store.InsertMessageAsync(m, Deliveries(m, 1)).AsTask())];

            // The server ends the flusher's session while its statement waits on the lock.
            await using var admin = new NpgsqlConnection(fixture.DatabaseConnectionString);
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position(@schema in query) > 0", admin);
            terminate.Parameters.AddWithValue("schema", store.Schema);
            Assert.Equal(1L, await terminate.ExecuteScalarAsync());
        }

        Assert.IsAssignableFrom<NpgsqlException>(heldError);
        Assert.All(await Task.WhenAll(results), r => Assert.Equal(1, r.DeliveryCount));
        Assert.Equal(2, store.Publishes.ConnectionsOpened);
        foreach (var message in queued)
        {
            Assert.NotNull(await store.GetMessageAsync("tenant-a", message.Id));
        }
    }

    private Task<FlusherHold> HoldFlusherAsync(PostgreSqlWebhookStore store, Action<Exception> onHeldError)
    {
        var held = Message("tenant-held");
        return FlusherHold.StartAsync(fixture.DatabaseConnectionString, store, "messages", async () =>
        {
            try
            {
                await store.InsertMessageAsync(held, Deliveries(held, 1));
            }
            catch (NpgsqlException ex)
            {
                onHeldError(ex);
            }
        });
    }
}
