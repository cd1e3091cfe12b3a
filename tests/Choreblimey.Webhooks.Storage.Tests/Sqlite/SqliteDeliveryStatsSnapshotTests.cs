using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Storage.Tests.Conformance;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>
/// Delivery statistics take several statements (the attempt count, then a read at each percentile's rank); a purge
/// committed between them must not change or break what they return.
/// </summary>
public sealed class SqliteDeliveryStatsSnapshotTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Delivery_stats_read_one_snapshot_so_a_purge_committed_between_their_statements_changes_nothing()
    {
        var path = _directory.File();
        var query = new WebhookStatsQuery { TenantId = TenantA };
        WebhookDeliveryStats before;
        await using (var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }))
        {
            await RecordAttemptsAsync(store, 100, 200, 300);
            before = await store.GetDeliveryStatsAsync(query);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(200), before.LatencyP50);

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var purged = false;

        // SQLite calls the trace as a statement starts, before it takes its read snapshot: the first percentile read then
        // runs just after another connection has deleted every attempt, as the retention purge does.
        raw.sqlite3_trace(
            connection.Handle,
            (_, sql) =>
            {
                if (!purged && sql.Contains("OFFSET", StringComparison.Ordinal))
                {
                    purged = true;
                    using var purge = new SqliteConnection($"Data Source={path};Pooling=False");
                    purge.Open();
                    using var delete = purge.CreateCommand();
                    delete.CommandText = "DELETE FROM attempts";
                    delete.ExecuteNonQuery();
                }
            },
            null);

        var during = SqliteWebhookStore.ReadDeliveryStats(connection, query);

        Assert.True(purged);
        Assert.Equal(before, during);
        Assert.Null((await ReadStatsAfterAsync(path, query)).LatencyP50);
    }

    /// <summary>Creates a subscription and one delivery per duration, each with one succeeded attempt that took it.</summary>
    private static async Task RecordAttemptsAsync(SqliteWebhookStore store, params int[] milliseconds)
    {
        await store.CreateSubscriptionAsync(Subscription(SubId(1)));
        var message = Message(MsgId(1));
        await store.InsertMessageAsync(message, [.. milliseconds.Select((_, i) => StoreTestData.Delivery(DlvId(i + 1), message, SubId(1)))]);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker", milliseconds.Length, T0, TimeSpan.FromMinutes(1)));
        foreach (var lease in leases)
        {
            var index = int.Parse(lease.Delivery.Id[^6..], System.Globalization.CultureInfo.InvariantCulture) - 1;
            Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
            {
                DeliveryId = lease.Delivery.Id,
                FencingToken = lease.FencingToken,
                Attempt = Attempt(lease.Delivery, 1, T0.AddSeconds(index), WebhookAttemptOutcome.Succeeded, 200) with { Duration = TimeSpan.FromMilliseconds(milliseconds[index]) },
                NewStatus = WebhookDeliveryStatus.Succeeded,
            }));
        }
    }

    private static async Task<WebhookDeliveryStats> ReadStatsAfterAsync(string path, WebhookStatsQuery query)
    {
        await using var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path });
        return await store.GetDeliveryStatsAsync(query);
    }
}
