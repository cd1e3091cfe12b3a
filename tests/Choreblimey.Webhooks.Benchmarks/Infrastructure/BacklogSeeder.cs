using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// Seeds pending deliveries in bulk (one INSERT ... SELECT per table, in one transaction), so a 1,000,000-delivery backlog
/// takes seconds rather than a million publishes. Ten deliveries share each message, as when an event fans out.
/// Due times start at <paramref name="firstDue"/> and step by one microsecond, oldest first.
/// </summary>
internal static class BacklogSeeder
{
    public const int DeliveriesPerMessage = 10;

    public static async Task<TimeSpan> SeedSqliteAsync(string databasePath, int count, string subscriptionId, DateTimeOffset firstDue)
    {
        var watch = Stopwatch.StartNew();
        var messages = (count + DeliveriesPerMessage - 1) / DeliveriesPerMessage;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < $m - 1)
                INSERT INTO messages (id, tenant_id, event_type, timestamp, actor, data, idempotency_key, trace_parent)
                SELECT printf('msg_seed_%09d', n), $tenant, $type, $ts, NULL, $data, NULL, NULL FROM c;
                """;
            insert.Parameters.AddWithValue("$m", messages);
            insert.Parameters.AddWithValue("$tenant", BenchData.Tenant);
            insert.Parameters.AddWithValue("$type", BenchData.EventType);
            insert.Parameters.AddWithValue("$ts", firstDue.UtcTicks);
            insert.Parameters.AddWithValue("$data", JsonSerializer.SerializeToUtf8Bytes(BenchData.Payload(0), JsonSerializerOptions.Web));
            await insert.ExecuteNonQueryAsync();
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < $count - 1)
                INSERT INTO deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at, lease_owner, fencing_token, last_status_code, last_error)
                SELECT printf('dlv_seed_%09d', n), $tenant, printf('msg_seed_%09d', n / $per), $sub, $type, 0, 0, $due + (n * 10), $due, NULL, NULL, 0, NULL, NULL FROM c;
                """;
            insert.Parameters.AddWithValue("$count", count);
            insert.Parameters.AddWithValue("$per", DeliveriesPerMessage);
            insert.Parameters.AddWithValue("$tenant", BenchData.Tenant);
            insert.Parameters.AddWithValue("$sub", subscriptionId);
            insert.Parameters.AddWithValue("$type", BenchData.EventType);
            insert.Parameters.AddWithValue("$due", firstDue.UtcTicks);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await using (var analyze = connection.CreateCommand())
        {
            // No ANALYZE: the store never runs it, so claims must not depend on statistics (with them, SQLite skip-scans
            // the claim index; without them, a query not written per priority band reads every pending row of a band).
            analyze.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await analyze.ExecuteNonQueryAsync();
        }

        return watch.Elapsed;
    }

    public static async Task<TimeSpan> SeedPostgreSqlAsync(string connectionString, string schema, int count, string subscriptionId, DateTimeOffset firstDue)
    {
        var watch = Stopwatch.StartNew();
        var messages = (count + DeliveriesPerMessage - 1) / DeliveriesPerMessage;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO "{schema}".messages (id, tenant_id, event_type, ts, actor, data, idempotency_key, trace_parent)
            SELECT 'msg_seed_' || lpad(g::text, 9, '0'), @tenant, @type, @due, NULL, @data, NULL, NULL FROM generate_series(0, @m - 1) g;
            INSERT INTO "{schema}".deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at, lease_owner, fencing_token, last_status_code, last_error)
            SELECT 'dlv_seed_' || lpad(g::text, 9, '0'), @tenant, 'msg_seed_' || lpad((g / @per)::text, 9, '0'), @sub, @type, 0, 0,
                   @due + g * interval '1 microsecond', @due, NULL, NULL, 0, NULL, NULL
            FROM generate_series(0, @count - 1) g;
            ANALYZE "{schema}".messages;
            ANALYZE "{schema}".deliveries;
            """,
            connection))
        {
            insert.CommandTimeout = 600;
            insert.Parameters.AddWithValue("tenant", BenchData.Tenant);
            insert.Parameters.AddWithValue("type", BenchData.EventType);
            insert.Parameters.Add(new NpgsqlParameter("due", NpgsqlDbType.TimestampTz) { Value = firstDue.UtcDateTime });
            insert.Parameters.AddWithValue("data", JsonSerializer.SerializeToUtf8Bytes(BenchData.Payload(0), JsonSerializerOptions.Web));
            insert.Parameters.AddWithValue("m", messages);
            insert.Parameters.AddWithValue("count", count);
            insert.Parameters.AddWithValue("per", DeliveriesPerMessage);
            insert.Parameters.AddWithValue("sub", subscriptionId);
            await insert.ExecuteNonQueryAsync();
        }

        return watch.Elapsed;
    }
}
