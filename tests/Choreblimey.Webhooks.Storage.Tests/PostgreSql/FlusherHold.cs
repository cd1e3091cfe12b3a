using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Testing.Support;
using Npgsql;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// Keeps one of a store's flushers busy without depending on timing: the test locks a table of the store's schema, sends a
/// write that waits on the lock, and queues more writes behind it; disposing commits, so everything queued meanwhile goes
/// to the server as one batch.
/// </summary>
internal sealed class FlusherHold : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private FlusherHold(NpgsqlConnection connection, NpgsqlTransaction transaction, Task held)
    {
        _connection = connection;
        _transaction = transaction;
        Held = held;
    }

    /// <summary>Gets the write the flusher is busy with.</summary>
    public Task Held { get; }

    /// <summary>
    /// Locks <paramref name="table"/> against writes, starts <paramref name="heldWrite"/> and waits until the store's
    /// statement waits on the lock.
    /// </summary>
    /// <param name="connectionString">The store's database.</param>
    /// <param name="store">The store.</param>
    /// <param name="table">A table of the store's schema that <paramref name="heldWrite"/> writes to.</param>
    /// <param name="heldWrite">The write that holds the flusher.</param>
    /// <returns>The hold.</returns>
    public static async Task<FlusherHold> StartAsync(string connectionString, PostgreSqlWebhookStore store, string table, Func<Task> heldWrite)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE \"{store.Schema}\".{table} IN EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var held = heldWrite();
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                await using var probe = new NpgsqlConnection(connectionString);
                await probe.OpenAsync();
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position(@schema in query) > 0", probe);
                count.Parameters.AddWithValue("schema", store.Schema);
                return (long)(await count.ExecuteScalarAsync())! > 0;
            },
            $"the store's flusher to wait on the test's lock on {table}");
        return new FlusherHold(connection, transaction, held);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.CommitAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
        await Held;
    }
}
