using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Choreblimey.Webhooks.PostgreSql;

/// <content>Statistics (percentiles with <c>percentile_cont</c>), usage, bulk re-queue, purge and backlog, computed in SQL.</content>
internal sealed partial class PostgreSqlWebhookStore
{
    private const string TestEvent = "'" + WebhookOperationalEvents.Test + "'";

    /// <inheritdoc />
    public async ValueTask<WebhookDeliveryStats> GetDeliveryStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var deliveries = DeliveryWindow(StatsTenant(query, "tenant_id"));
        var command = _dataSource.CreateCommand(
            $"""
            SELECT
              (SELECT count(*) FROM {_schema.Deliveries} WHERE {deliveries}),
              (SELECT count(*) FILTER (WHERE status = 1) FROM {_schema.Deliveries} WHERE {deliveries}),
              (SELECT count(*) FILTER (WHERE status = 2) FROM {_schema.Deliveries} WHERE {deliveries}),
              (SELECT count(*) FILTER (WHERE status = 0 AND attempt_count > 0) FROM {_schema.Deliveries} WHERE {deliveries}),
              a.last_success, a.last_failure, a.p[1], a.p[2]
            FROM (
              SELECT max(a.started_at) FILTER (WHERE a.outcome = 0) AS last_success,
                     max(a.started_at) FILTER (WHERE a.outcome <> 0) AS last_failure,
                     percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY a.duration_ticks) AS p
              FROM {_schema.Attempts} a JOIN {_schema.Deliveries} d ON d.id = a.delivery_id
              WHERE {StatsTenant(query, "a.tenant_id")}NOT a.is_test AND d.event_type <> {TestEvent}
                AND (@subscription::text IS NULL OR d.subscription_id = @subscription)
                AND (@from::timestamptz IS NULL OR a.started_at >= @from) AND (@before::timestamptz IS NULL OR a.started_at < @before)) a
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", query.TenantId);
        AddText(command.Parameters, "subscription", query.SubscriptionId);
        AddNullableTimestamp(command.Parameters, "from", query.From);
        AddNullableTimestamp(command.Parameters, "before", query.Before);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new WebhookDeliveryStats
            {
                Total = reader.GetInt64(0),
                Succeeded = reader.GetInt64(1),
                DeadLettered = reader.GetInt64(2),
                Failing = reader.GetInt64(3),
                LastSuccessAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                LastFailureAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                LatencyP50 = reader.IsDBNull(6) ? null : TimeSpan.FromTicks((long)Math.Round(reader.GetDouble(6), MidpointRounding.AwayFromZero)),
                LatencyP95 = reader.IsDBNull(7) ? null : TimeSpan.FromTicks((long)Math.Round(reader.GetDouble(7), MidpointRounding.AwayFromZero)),
            };
        }
    }

    /// <inheritdoc />
    public async ValueTask<WebhookUsage> GetUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        // An attempt's own row does not say which event it belongs to (a test delivery the worker sent has ordinary
        // attempts): the tenant's attempts in the window come from their index, each one's delivery by its key. For "*"
        // every tenant's are counted (the condition is left out rather than made optional, so a named tenant's stays
        // an index condition).
        var tenant = tenantId == WebhookTenants.All ? string.Empty : "tenant_id = @tenant AND ";
        var command = _dataSource.CreateCommand(
            $"""
            SELECT
              (SELECT count(*) FROM {_schema.Messages} WHERE {tenant}event_type <> {TestEvent} AND ts >= @from AND ts < @before),
              (SELECT count(*) FROM {_schema.Deliveries} WHERE {tenant}event_type <> {TestEvent} AND created_at >= @from AND created_at < @before),
              (SELECT count(*) FROM {_schema.Attempts} a JOIN {_schema.Deliveries} d ON d.id = a.delivery_id
               WHERE {(tenant.Length == 0 ? string.Empty : "a." + tenant)}NOT a.is_test AND a.started_at >= @from AND a.started_at < @before AND d.event_type <> {TestEvent})
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        AddTimestamp(command.Parameters, "from", from);
        AddTimestamp(command.Parameters, "before", before);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new WebhookUsage(tenantId, from, before, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> RequeueDeliveriesAsync(WebhookRequeueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // A host-level subscription's deliveries carry their events' tenants: they are found by subscription alone.
        var tenantCondition = request.TenantId == WebhookTenants.All ? "@tenant = @tenant AND " : "tenant_id = @tenant AND ";
        var batch = new NpgsqlBatch();
        await using (batch.ConfigureAwait(false))
        {
            var update = new NpgsqlBatchCommand(
                $"""
                WITH requeued AS (
                    UPDATE {_schema.Deliveries}
                    SET status = 0, next_attempt_at = @due, completed_at = NULL, lease_owner = NULL, fencing_token = fencing_token + 1
                    WHERE {tenantCondition}subscription_id = @subscription AND event_type <> {TestEvent}
                      AND (@from::timestamptz IS NULL OR created_at >= @from)
                      AND ((status = 2 AND @dead) OR (status = 0 AND (@leased OR lease_owner IS NULL) AND (@pending OR attempt_count > 0)))
                    RETURNING 1)
                SELECT (SELECT count(*) FROM requeued){NotifyIfAny("requeued")}
                """);
            AddText(update.Parameters, "tenant", request.TenantId);
            AddText(update.Parameters, "subscription", request.SubscriptionId);
            AddNullableTimestamp(update.Parameters, "from", request.CreatedFrom);
            AddTimestamp(update.Parameters, "due", request.DueAt);
            update.Parameters.Add(new NpgsqlParameter<bool>("pending", NpgsqlDbType.Boolean) { TypedValue = request.IncludePending });
            update.Parameters.Add(new NpgsqlParameter<bool>("leased", NpgsqlDbType.Boolean) { TypedValue = request.IncludePending && request.IncludeLeased });
            update.Parameters.Add(new NpgsqlParameter<bool>("dead", NpgsqlDbType.Boolean) { TypedValue = request.IncludeDeadLettered });
            AddChannel(update.Parameters);
            batch.BatchCommands.Add(update);
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                batch.Connection = connection;
                return checked((int)(long)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
            }
        }
    }

    /// <summary>
    /// The statement that deletes one purge batch: with <paramref name="overrides"/> per-event-type rules (<c>@t0</c>,
    /// <c>@s0</c>, <c>@f0</c>, ...) before the defaults (<c>@s</c>, <c>@f</c>), at most <c>@batch</c> finished deliveries
    /// (skipping rows another purger holds), with their attempts; it returns the deliveries and attempts removed.
    /// </summary>
    internal string PurgeSql(int overrides)
    {
        var rules = new StringBuilder();
        var defaults = "(status = 1 AND completed_at < @s) OR (status = 2 AND completed_at < @f)";
        if (overrides > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < overrides; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                names.Add("@t" + n);
                rules.Append(CultureInfo.InvariantCulture, $"(event_type = @t{n} AND ((status = 1 AND completed_at < @s{n}) OR (status = 2 AND completed_at < @f{n}))) OR ");
            }

            defaults = $"event_type <> ALL (ARRAY[{string.Join(", ", names)}]) AND ({defaults})";
        }

        // One statement: pick a bounded batch, delete its attempts and deliveries.
        return $"""
            WITH expired AS (
                SELECT id FROM {_schema.Deliveries}
                WHERE status <> 0 AND ({rules}({defaults}))
                LIMIT @batch FOR UPDATE SKIP LOCKED),
            attempts AS (DELETE FROM {_schema.Attempts} WHERE delivery_id IN (SELECT id FROM expired) RETURNING 1),
            deliveries AS (DELETE FROM {_schema.Deliveries} WHERE id IN (SELECT id FROM expired) RETURNING 1)
            SELECT (SELECT count(*) FROM deliveries), (SELECT count(*) FROM attempts)
            """;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPurgeResult> PurgeAsync(WebhookPurgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1, nameof(request));
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        var p = command.Parameters;
        AddTimestamp(p, "s", request.SucceededBefore);
        AddTimestamp(p, "f", request.FailedBefore);
        AddTimestamp(p, "messages_before", request.MessagesBefore);
        p.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = request.BatchSize });
        for (var i = 0; i < request.Overrides.Count; i++)
        {
            var rule = request.Overrides[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            AddText(p, "t" + n, rule.EventType);
            AddTimestamp(p, "s" + n, rule.SucceededBefore);
            AddTimestamp(p, "f" + n, rule.FailedBefore);
        }

        command.CommandText = PurgeSql(request.Overrides.Count);
        int deliveriesRemoved, attemptsRemoved;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            deliveriesRemoved = checked((int)reader.GetInt64(0));
            attemptsRemoved = checked((int)reader.GetInt64(1));
        }

        var messages = _dataSource.CreateCommand(
            $"""
            DELETE FROM {_schema.Messages} WHERE id IN (
                SELECT m.id FROM {_schema.Messages} m
                WHERE m.ts < @messages_before AND NOT EXISTS (SELECT 1 FROM {_schema.Deliveries} d WHERE d.message_id = m.id)
                LIMIT @batch FOR UPDATE SKIP LOCKED)
            """);
        await using var messagesScope = messages.ConfigureAwait(false);
        AddTimestamp(messages.Parameters, "messages_before", request.MessagesBefore);
        messages.Parameters.Add(new NpgsqlParameter<int>("batch", NpgsqlDbType.Integer) { TypedValue = request.BatchSize });
        var messagesRemoved = await messages.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookPurgeResult(deliveriesRemoved, attemptsRemoved, messagesRemoved);
    }

    /// <inheritdoc />
    public async ValueTask<DateTimeOffset> StartFailureStreakAsync(string subscriptionId, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(
            $"UPDATE {_schema.Subscriptions} SET failing_since = coalesce(failing_since, @at) WHERE id = @id RETURNING failing_since");
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "id", subscriptionId);
        AddTimestamp(command.Parameters, "at", failedAt);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime since
            ? new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc))
            : failedAt;
    }

    /// <inheritdoc />
    public async ValueTask EndFailureStreakAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(
            $"UPDATE {_schema.Subscriptions} SET failing_since = NULL WHERE id = @id AND failing_since IS NOT NULL");
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "id", subscriptionId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets the backlog sample's statement (parameter <c>@since</c>): pending deliveries of active subscriptions through the
    /// claim index, recent dead letters through the dead-letter index (schema 5), never a scan of the delivery log.
    /// </summary>
    internal string BacklogSql =>
        $"""
        SELECT count(*), min(d.created_at),
          (SELECT count(*) FROM {_schema.Deliveries} WHERE status = 2 AND completed_at >= @since AND event_type <> {TestEvent})
        FROM {_schema.Deliveries} d JOIN {_schema.Subscriptions} s ON s.id = d.subscription_id AND s.state = 0
        WHERE d.status = 0 AND d.event_type <> {TestEvent}
        """;

    /// <inheritdoc />
    public async ValueTask<WebhookBacklog> GetBacklogAsync(DateTimeOffset deadLetteredSince, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(BacklogSql);
        await using var commandScope = command.ConfigureAwait(false);
        AddTimestamp(command.Parameters, "since", deadLetteredSince);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new WebhookBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookEventTypeSummary>> GetEventTypeSummariesAsync(string? tenantId, DateTimeOffset? from, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(
            $"""
            SELECT event_type, sum(published)::bigint, max(last_published), sum(deliveries)::bigint, sum(succeeded)::bigint, sum(dead)::bigint FROM (
                SELECT event_type, count(*) AS published, max(ts) AS last_published, 0 AS deliveries, 0 AS succeeded, 0 AS dead
                FROM {_schema.Messages} WHERE (@tenant::text IS NULL OR tenant_id = @tenant) AND (@from::timestamptz IS NULL OR ts >= @from) GROUP BY event_type
                UNION ALL
                SELECT event_type, 0, NULL, count(*), count(*) FILTER (WHERE status = 1), count(*) FILTER (WHERE status = 2)
                FROM {_schema.Deliveries} WHERE (@tenant::text IS NULL OR tenant_id = @tenant) AND (@from::timestamptz IS NULL OR created_at >= @from) GROUP BY event_type) x
            WHERE event_type <> {TestEvent}
            GROUP BY event_type ORDER BY event_type COLLATE "C"
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        AddNullableTimestamp(command.Parameters, "from", from);
        var items = new List<WebhookEventTypeSummary>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new WebhookEventTypeSummary(
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5)));
            }
        }

        return items;
    }

    private static string DeliveryWindow(string tenantCondition) =>
        $"""
        {tenantCondition}event_type <> {TestEvent}
          AND (@subscription::text IS NULL OR subscription_id = @subscription)
          AND (@from::timestamptz IS NULL OR created_at >= @from) AND (@before::timestamptz IS NULL OR created_at < @before)
        """;

    // A host-level subscription's deliveries (and their attempts) carry their events' tenants: "*" reads every tenant's.
    private static string StatsTenant(WebhookStatsQuery query, string tenantColumn) =>
        query.TenantId == WebhookTenants.All ? string.Empty : $"{tenantColumn} = @tenant AND ";

    private static void AddNullableTimestamp(NpgsqlParameterCollection parameters, string name, DateTimeOffset? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value });
}
