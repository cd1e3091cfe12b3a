using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>Stores created without a host, for benchmarks of the store alone.</summary>
internal static class DirectStores
{
    public static async Task<SqliteWebhookStore> OpenSqliteAsync(string path)
    {
        var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions
        {
            ConnectionString = SqliteConnectionStrings.Normalize(path),
            Synchronous = SqliteSynchronousMode.Full,
        });
        await store.GetNextDueTimeAsync(); // opens and migrates the file
        return store;
    }

    public static async Task<PostgreSqlWebhookStore> OpenPostgreSqlAsync(string connectionString)
    {
        var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions { ConnectionString = connectionString, UseNotifications = false });
        await store.EnsureSchemaAsync(CancellationToken.None);
        return store;
    }
}
