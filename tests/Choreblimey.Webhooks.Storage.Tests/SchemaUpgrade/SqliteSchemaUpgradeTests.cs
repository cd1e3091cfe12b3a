using System.Globalization;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;
using Choreblimey.Webhooks.Storage.Internal;
using Choreblimey.Webhooks.Storage.Tests.Sqlite;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Storage.Tests.SchemaUpgrade;

/// <summary>
/// A database written by an older release (schema version 1 to 6, built by hand from <see cref="SqliteLegacySchema"/>)
/// is upgraded in place when the store opens it: the version becomes current, the new column and index exist, and every
/// row reads back as it was written.
/// </summary>
public sealed class SqliteSchemaUpgradeTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task An_older_schema_is_upgraded_to_the_current_version_with_its_data_intact(int oldVersion)
    {
        Assert.Equal(7, SqliteSchema.CurrentVersion);
        var path = _directory.File();
        var rows = new LegacyRows(oldVersion);
        WriteLegacyDatabase(path, oldVersion, rows);
        Assert.Equal(oldVersion, ReadScalar(path, "PRAGMA user_version"));
        Assert.Equal(oldVersion >= 3 ? 1 : 0, ReadScalar(path, "SELECT count(*) FROM pragma_table_info('deliveries') WHERE name = 'priority'"));

        await using (var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }))
        {
            await store.EnsureInitializedAsync(CancellationToken.None);

            Assert.Equal(SqliteSchema.CurrentVersion, ReadScalar(path, "PRAGMA user_version"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM pragma_table_info('deliveries') WHERE name = 'priority'"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_deliveries_due_priority'"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'trace_parent'"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_messages_timestamp'"));
            Assert.Equal(0, ReadScalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_deliveries_due'"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_deliveries_dead'"));
            Assert.Equal(1, ReadScalar(path, "SELECT count(*) FROM pragma_table_info('subscriptions') WHERE name = 'failing_since'"));
            Assert.Equal(0, ReadScalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_deliveries_tenant'"));

            // The tenant's whole log, read without that index: every status, newest first.
            var log = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = rows.Pending.TenantId });
            Assert.Equal(new[] { rows.Pending.Id, rows.Succeeded.Id }.Order(StringComparer.Ordinal).Reverse(), log.Items.Select(d => d.Id));

            await rows.AssertIntactAsync(store);
        }

        // Opening the upgraded file again migrates nothing and loses nothing.
        await using (var reopened = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }))
        {
            Assert.NotNull(await reopened.GetMessageAsync(rows.Message.TenantId, rows.Message.Id));
        }

        Assert.Equal(SqliteSchema.CurrentVersion, ReadScalar(path, "PRAGMA user_version"));
    }

    private static void WriteLegacyDatabase(string path, int version, LegacyRows rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, SqliteLegacySchema.Version1);
        if (version >= 2)
        {
            Execute(connection, SqliteLegacySchema.Version2Changes);
        }

        if (version >= 3)
        {
            Execute(connection, SqliteLegacySchema.Version3Changes);
        }

        if (version >= 4)
        {
            Execute(connection, SqliteLegacySchema.Version4Changes);
        }

        if (version >= 5)
        {
            Execute(connection, SqliteLegacySchema.Version5Changes);
        }

        if (version >= 6)
        {
            Execute(connection, SqliteLegacySchema.Version6Changes);
        }

        var subscription = rows.Subscription;
        Execute(
            connection,
            "INSERT INTO subscriptions (id, tenant_id, state, created_at, updated_at, document) VALUES ($id, $tenant, $state, $created, $updated, $document)",
            ("$id", subscription.Id),
            ("$tenant", subscription.TenantId),
            ("$state", (int)subscription.State),
            ("$created", subscription.CreatedAt.UtcTicks),
            ("$updated", subscription.UpdatedAt.UtcTicks),
            ("$document", WebhookSubscriptionJson.Serialize(subscription)));
        Execute(connection, "UPDATE subscription_version SET version = 1");

        var message = rows.Message;
        Execute(
            connection,
            version >= 2
                ? "INSERT INTO messages (id, tenant_id, event_type, timestamp, actor, data, idempotency_key, trace_parent) VALUES ($id, $tenant, $type, $ts, $actor, $data, $key, $trace)"
                : "INSERT INTO messages (id, tenant_id, event_type, timestamp, actor, data, idempotency_key) VALUES ($id, $tenant, $type, $ts, $actor, $data, $key)",
            ("$id", message.Id),
            ("$tenant", message.TenantId),
            ("$type", message.EventType),
            ("$ts", message.Timestamp.UtcTicks),
            ("$actor", message.Actor),
            ("$data", message.Data.ToArray()),
            ("$key", message.IdempotencyKey),
            ("$trace", message.TraceParent));

        foreach (var d in rows.Deliveries)
        {
            Execute(
                connection,
                """
                INSERT INTO deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at,
                                        completed_at, lease_owner, fencing_token, last_status_code, last_error)
                VALUES ($id, $tenant, $message, $subscription, $type, $status, $attempts, $next, $created, $completed, NULL, 0, $code, $error)
                """,
                ("$id", d.Id),
                ("$tenant", d.TenantId),
                ("$message", d.MessageId),
                ("$subscription", d.SubscriptionId),
                ("$type", d.EventType),
                ("$status", (int)d.Status),
                ("$attempts", d.AttemptCount),
                ("$next", d.NextAttemptAt.UtcTicks),
                ("$created", d.CreatedAt.UtcTicks),
                ("$completed", d.CompletedAt?.UtcTicks),
                ("$code", d.LastStatusCode),
                ("$error", d.LastError));
        }

        foreach (var a in rows.Attempts)
        {
            Execute(
                connection,
                """
                INSERT INTO attempts (delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test)
                VALUES ($delivery, $tenant, $number, $started, $duration, $outcome, $code, $body, $error, $test)
                """,
                ("$delivery", a.DeliveryId),
                ("$tenant", a.TenantId),
                ("$number", a.AttemptNumber),
                ("$started", a.StartedAt.UtcTicks),
                ("$duration", a.Duration.Ticks),
                ("$outcome", (int)a.Outcome),
                ("$code", a.StatusCode),
                ("$body", a.ResponseBody),
                ("$error", a.Error),
                ("$test", a.IsTest ? 1 : 0));
        }

        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version};"));
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private static long ReadScalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
