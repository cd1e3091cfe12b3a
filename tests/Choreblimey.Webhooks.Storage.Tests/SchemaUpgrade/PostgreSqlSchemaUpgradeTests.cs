using System.Globalization;
using System.Text;
using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Storage.Internal;
using Choreblimey.Webhooks.Storage.Tests.PostgreSql;
using Npgsql;
using NpgsqlTypes;

namespace Choreblimey.Webhooks.Storage.Tests.SchemaUpgrade;

/// <summary>
/// A schema installed by an older release (version 1 to 5, built by hand from <see cref="PostgreSqlLegacySchema"/>) is
/// upgraded when the store first uses it: <c>schema_version</c> records every version up to the current one, the new
/// column and index exist, and every row reads back as it was written.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlSchemaUpgradeTests(PostgreSqlServerFixture fixture)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task An_older_schema_is_upgraded_to_the_current_version_with_its_data_intact(int oldVersion)
    {
        Assert.Equal(6, PostgreSqlSchema.CurrentVersion);
        var schema = fixture.NewSchemaName();
        var rows = new LegacyRows(oldVersion);
        await using (var connection = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await WriteLegacySchemaAsync(connection, schema, oldVersion, rows);
            Assert.Equal((long)oldVersion, await ScalarAsync(connection, $"SELECT count(*) FROM \"{schema}\".schema_version"));
            Assert.Equal(oldVersion >= 3 ? 1L : 0L, await ScalarAsync(connection, ColumnCount(schema, "deliveries", "priority")));
        }

        var store = await fixture.CreatePostgreSqlStoreAsync(schema);

        await using (var connection = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("1,2,3,4,5,6", await ScalarAsync(connection, $"SELECT string_agg(version::text, ',' ORDER BY version) FROM \"{schema}\".schema_version"));
            Assert.Equal(1L, await ScalarAsync(connection, ColumnCount(schema, "deliveries", "priority")));
            Assert.Equal(1L, await ScalarAsync(connection, ColumnCount(schema, "messages", "trace_parent")));
            Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'deliveries_due_priority_idx'"));
            Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'messages_ts_idx'"));
            Assert.Equal(0L, await ScalarAsync(connection, $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'deliveries_due_idx'"));
            Assert.Equal(1L, await ScalarAsync(connection, $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'deliveries_dead_idx'"));
            Assert.Equal(1L, await ScalarAsync(connection, ColumnCount(schema, "subscriptions", "failing_since")));
        }

        await rows.AssertIntactAsync(store);

        // A second store on the upgraded schema installs nothing more.
        var again = await fixture.CreatePostgreSqlStoreAsync(schema);
        Assert.NotNull(await again.GetMessageAsync(rows.Message.TenantId, rows.Message.Id));
        await using (var connection = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(6L, await ScalarAsync(connection, $"SELECT count(*) FROM \"{schema}\".schema_version"));
        }
    }

    private static async Task WriteLegacySchemaAsync(NpgsqlConnection connection, string schema, int version, LegacyRows rows)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, PostgreSqlLegacySchema.Version1(schema));
        if (version >= 2)
        {
            await ExecuteAsync(connection, transaction, PostgreSqlLegacySchema.Version2Changes(schema));
        }

        if (version >= 3)
        {
            await ExecuteAsync(connection, transaction, PostgreSqlLegacySchema.Version3Changes(schema));
        }

        if (version >= 4)
        {
            await ExecuteAsync(connection, transaction, PostgreSqlLegacySchema.Version4Changes(schema));
        }

        if (version >= 5)
        {
            await ExecuteAsync(connection, transaction, PostgreSqlLegacySchema.Version5Changes(schema));
        }

        var subscription = rows.Subscription;
        await ExecuteAsync(
            connection,
            transaction,
            $"INSERT INTO \"{schema}\".subscriptions (id, tenant_id, state, created_at, updated_at, document) VALUES (@id, @tenant, @state, @created, @updated, @document)",
            new NpgsqlParameter("id", subscription.Id),
            new NpgsqlParameter("tenant", subscription.TenantId),
            new NpgsqlParameter<short>("state", (short)subscription.State),
            new NpgsqlParameter("created", subscription.CreatedAt),
            new NpgsqlParameter("updated", subscription.UpdatedAt),
            new NpgsqlParameter("document", NpgsqlDbType.Jsonb) { Value = Encoding.UTF8.GetString(WebhookSubscriptionJson.Serialize(subscription)) });
        await ExecuteAsync(connection, transaction, $"UPDATE \"{schema}\".subscription_version SET version = 1");

        var message = rows.Message;
        await ExecuteAsync(
            connection,
            transaction,
            version >= 2
                ? $"INSERT INTO \"{schema}\".messages (id, tenant_id, event_type, ts, actor, data, idempotency_key, trace_parent) VALUES (@id, @tenant, @type, @ts, @actor, @data, @key, @trace)"
                : $"INSERT INTO \"{schema}\".messages (id, tenant_id, event_type, ts, actor, data, idempotency_key) VALUES (@id, @tenant, @type, @ts, @actor, @data, @key)",
            new NpgsqlParameter("id", message.Id),
            new NpgsqlParameter("tenant", message.TenantId),
            new NpgsqlParameter("type", message.EventType),
            new NpgsqlParameter("ts", message.Timestamp),
            Text("actor", message.Actor),
            new NpgsqlParameter("data", message.Data.ToArray()),
            Text("key", message.IdempotencyKey),
            Text("trace", message.TraceParent));

        foreach (var d in rows.Deliveries)
        {
            await ExecuteAsync(
                connection,
                transaction,
                $"""
                INSERT INTO "{schema}".deliveries (id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at,
                                                   completed_at, lease_owner, fencing_token, last_status_code, last_error)
                VALUES (@id, @tenant, @message, @subscription, @type, @status, @attempts, @next, @created, @completed, NULL, 0, @code, @error)
                """,
                new NpgsqlParameter("id", d.Id),
                new NpgsqlParameter("tenant", d.TenantId),
                new NpgsqlParameter("message", d.MessageId),
                new NpgsqlParameter("subscription", d.SubscriptionId),
                new NpgsqlParameter("type", d.EventType),
                new NpgsqlParameter<short>("status", (short)d.Status),
                new NpgsqlParameter("attempts", d.AttemptCount),
                new NpgsqlParameter("next", d.NextAttemptAt),
                new NpgsqlParameter("created", d.CreatedAt),
                new NpgsqlParameter("completed", NpgsqlDbType.TimestampTz) { Value = d.CompletedAt is { } completed ? completed : DBNull.Value },
                new NpgsqlParameter("code", NpgsqlDbType.Integer) { Value = d.LastStatusCode is { } code ? code : DBNull.Value },
                Text("error", d.LastError));
        }

        foreach (var a in rows.Attempts)
        {
            await ExecuteAsync(
                connection,
                transaction,
                $"""
                INSERT INTO "{schema}".attempts (delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test)
                VALUES (@delivery, @tenant, @number, @started, @duration, @outcome, @code, @body, @error, @test)
                """,
                new NpgsqlParameter("delivery", a.DeliveryId),
                new NpgsqlParameter("tenant", a.TenantId),
                new NpgsqlParameter("number", a.AttemptNumber),
                new NpgsqlParameter("started", a.StartedAt),
                new NpgsqlParameter("duration", a.Duration.Ticks),
                new NpgsqlParameter<short>("outcome", (short)a.Outcome),
                new NpgsqlParameter("code", NpgsqlDbType.Integer) { Value = a.StatusCode is { } code ? code : DBNull.Value },
                Text("body", a.ResponseBody),
                Text("error", a.Error),
                new NpgsqlParameter("test", a.IsTest));
        }

        await transaction.CommitAsync();
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static string ColumnCount(string schema, string table, string column) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = '{table}' AND column_name = '{column}'");

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
