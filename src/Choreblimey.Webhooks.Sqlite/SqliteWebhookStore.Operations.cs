using System.Globalization;
using System.Text;
using Choreblimey.Webhooks.Operations;
using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite;

/// <content>Statistics, usage, bulk re-queue, purge and backlog, computed in SQL.</content>
internal sealed partial class SqliteWebhookStore
{
    private const string TestEvent = "'" + WebhookOperationalEvents.Test + "'";

    /// <summary>
    /// The backlog sample: pending deliveries of active subscriptions through the claim index, recent dead letters through
    /// the dead-letter index (schema 5), never a scan of the delivery log.
    /// </summary>
    internal const string BacklogSql =
        $"""
        SELECT COUNT(*), MIN(d.created_at),
          (SELECT COUNT(*) FROM deliveries WHERE status = 2 AND completed_at >= $since AND event_type <> {TestEvent})
        FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id AND s.state = 0
        WHERE d.status = 0 AND d.event_type <> {TestEvent}
        """;

    /// <summary>
    /// The deliveries a stats query counts: non-test deliveries of the tenant (every tenant for <see cref="WebhookTenants.All"/>),
    /// and of the subscription and window when the query sets them. Only the filters that are set appear, so SQLite reads a
    /// subscription's deliveries through its index.
    /// </summary>
    internal static string StatsCountsSql(WebhookStatsQuery query) =>
        $"""
        SELECT COUNT(*), COALESCE(SUM(status = 1), 0), COALESCE(SUM(status = 2), 0), COALESCE(SUM(status = 0 AND attempt_count > 0), 0)
        FROM deliveries
        WHERE {StatsTenant(query, "tenant_id")}event_type <> {TestEvent}{StatsFilters(query, "subscription_id", "created_at")}
        """;

    // The attempts a stats query looks at: non-test attempts of the tenant (and subscription) started in the window.
    private static string StatsAttempts(WebhookStatsQuery query) =>
        $"""
        FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE {StatsTenant(query, "a.tenant_id")}a.is_test = 0 AND d.event_type <> {TestEvent}{StatsFilters(query, "d.subscription_id", "a.started_at")}
        """;

    // A host-level subscription's deliveries (and their attempts) carry their events' tenants: "*" reads every tenant's.
    private static string StatsTenant(WebhookStatsQuery query, string tenantColumn) =>
        query.TenantId == WebhookTenants.All ? string.Empty : $"{tenantColumn} = $tenant AND ";

    private static string StatsFilters(WebhookStatsQuery query, string subscriptionColumn, string timeColumn) =>
        (query.SubscriptionId is null ? string.Empty : $" AND {subscriptionColumn} = $subscription")
        + (query.From is null ? string.Empty : $" AND {timeColumn} >= $from")
        + (query.Before is null ? string.Empty : $" AND {timeColumn} < $before");

    /// <inheritdoc />
    public async ValueTask<WebhookDeliveryStats> GetDeliveryStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadAsync(static (connection, q) => ReadDeliveryStats(connection, q), query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Computes delivery statistics with the statements below, all reading one snapshot of the database.</summary>
    /// <remarks>
    /// The percentiles are read at ranks taken from the attempt count, so every statement must see the rows the count saw:
    /// outside a transaction each statement has a snapshot of its own, and a purge committed between the count and a
    /// percentile read left that read with no row to return (an <see cref="InvalidOperationException"/> from the reader).
    /// A deferred transaction takes its snapshot at the first read and keeps it; in WAL mode it blocks no writer.
    /// </remarks>
    internal static WebhookDeliveryStats ReadDeliveryStats(SqliteConnection connection, WebhookStatsQuery query)
    {
        // Nothing is written: disposing the transaction (a rollback) only lets go of the snapshot.
        using var snapshot = connection.BeginTransaction(deferred: true);
        SqliteCommand Bind(string sql)
        {
            var command = SqliteSql.Command(connection, sql).With("$tenant", query.TenantId);
            command.Transaction = snapshot;
            AddIfSet(command, "$subscription", query.SubscriptionId);
            AddIfSet(command, "$from", SqliteSql.ToTicksOrNull(query.From));
            AddIfSet(command, "$before", SqliteSql.ToTicksOrNull(query.Before));
            return command;
        }

        var attemptsFrom = StatsAttempts(query);
        WebhookDeliveryStats stats;
        using (var counts = Bind(StatsCountsSql(query)))
        using (var reader = counts.ExecuteReader())
        {
            reader.Read();
            stats = new WebhookDeliveryStats { Total = reader.GetInt64(0), Succeeded = reader.GetInt64(1), DeadLettered = reader.GetInt64(2), Failing = reader.GetInt64(3) };
        }

        long attempts;
        using (var summary = Bind($"SELECT COUNT(*), MAX(CASE WHEN a.outcome = 0 THEN a.started_at END), MAX(CASE WHEN a.outcome <> 0 THEN a.started_at END) {attemptsFrom}"))
        using (var reader = summary.ExecuteReader())
        {
            reader.Read();
            attempts = reader.GetInt64(0);
            stats = stats with { LastSuccessAt = SqliteSql.GetTimeOrNull(reader, 1), LastFailureAt = SqliteSql.GetTimeOrNull(reader, 2) };
        }

        if (attempts == 0)
        {
            return stats;
        }

        // Percentiles read at most two rows each at their rank (ORDER BY ... LIMIT 2 OFFSET rank), never the whole log.
        TimeSpan Percentile(double p)
        {
            var (lower, fraction) = WebhookPercentile.Rank(attempts, p);
            using var command = Bind($"SELECT a.duration_ticks {attemptsFrom} ORDER BY a.duration_ticks LIMIT 2 OFFSET $offset").With("$offset", lower);
            using var reader = command.ExecuteReader();
            reader.Read();
            var low = reader.GetInt64(0);
            var high = reader.Read() ? reader.GetInt64(0) : low;
            return WebhookPercentile.Interpolate(low, high, fraction);
        }

        return stats with { LatencyP50 = Percentile(0.5), LatencyP95 = Percentile(0.95) };
    }

    /// <summary>
    /// A tenant's usage in a window: events, deliveries and attempts, none of the test event's. An attempt's own row does not
    /// say which event it belongs to (a test delivery the worker sent has ordinary attempts), so attempts are read through
    /// the tenant's range of the attempt index and each one's delivery by its key.
    /// </summary>
    /// <summary>The usage query for <paramref name="tenantId"/>; every tenant's for <see cref="WebhookTenants.All"/>.</summary>
    internal static string UsageSql(string tenantId)
    {
        // Only a named tenant's condition appears, so SQLite reads it through the tenant indexes.
        var tenant = tenantId == WebhookTenants.All ? string.Empty : "tenant_id = $tenant AND ";
        return $"""
            SELECT
              (SELECT COUNT(*) FROM messages WHERE {tenant}event_type <> {TestEvent} AND timestamp >= $from AND timestamp < $before),
              (SELECT COUNT(*) FROM deliveries WHERE {tenant}event_type <> {TestEvent} AND created_at >= $from AND created_at < $before),
              (SELECT COUNT(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
               WHERE {(tenant.Length == 0 ? string.Empty : "a." + tenant)}a.is_test = 0 AND a.started_at >= $from AND a.started_at < $before AND d.event_type <> {TestEvent})
            """;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookUsage> GetUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return await ReadAsync(
            static (connection, state) =>
            {
                using var command = SqliteSql.Command(connection, UsageSql(state.tenantId))
                    .With("$tenant", state.tenantId)
                    .With("$from", SqliteSql.ToTicks(state.from))
                    .With("$before", SqliteSql.ToTicks(state.before));
                using var reader = command.ExecuteReader();
                reader.Read();
                return new WebhookUsage(state.tenantId, state.from, state.before, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            },
            (tenantId, from, before),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> RequeueDeliveriesAsync(WebhookRequeueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A host-level subscription's deliveries carry their events' tenants: they are found by subscription alone.
        var tenantCondition = request.TenantId == WebhookTenants.All ? string.Empty : "tenant_id = $tenant AND ";
        return await WriteAsync(
            connection =>
            {
                using var update = SqliteSql.Command(
                        connection,
                        $"""
                        UPDATE deliveries
                        SET status = 0, next_attempt_at = $due, completed_at = NULL, lease_owner = NULL, fencing_token = fencing_token + 1
                        WHERE {tenantCondition}subscription_id = $subscription AND event_type <> {TestEvent}
                          AND ($from IS NULL OR created_at >= $from)
                          AND ((status = 2 AND $dead = 1) OR (status = 0 AND ($leased = 1 OR lease_owner IS NULL) AND ($pending = 1 OR attempt_count > 0)))
                        """)
                    .With("$tenant", request.TenantId)
                    .With("$subscription", request.SubscriptionId)
                    .With("$from", SqliteSql.ToTicksOrNull(request.CreatedFrom))
                    .With("$due", SqliteSql.ToTicks(request.DueAt))
                    .With("$pending", request.IncludePending ? 1 : 0)
                    .With("$leased", request.IncludePending && request.IncludeLeased ? 1 : 0)
                    .With("$dead", request.IncludeDeadLettered ? 1 : 0);
                return update.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The statement that collects a purge batch into <c>purge_ids</c>: with <paramref name="overrides"/> per-event-type rules
    /// (<c>$t0</c>, <c>$s0</c>, <c>$f0</c>, ...) before the defaults (<c>$s</c>, <c>$f</c>), at most <c>$batch</c> ids.
    /// </summary>
    /// <remarks>
    /// Each branch is one range of one index (succeeded deliveries through the completed index, dead letters through the
    /// dead-letter index), so a purge that finds little to delete reads little. One condition with ORs made SQLite walk the
    /// whole completed index, on the writer, every time the retention service found nothing more to purge. The succeeded
    /// branches state <c>status &lt;&gt; 0</c> as well, the completed index's own condition, which SQLite cannot infer.
    /// </remarks>
    internal static string PurgeSelectSql(int overrides)
    {
        var branches = new List<string>();
        var names = new List<string>();
        void Add(string typeFilter, string succeededBefore, string failedBefore)
        {
            branches.Add($"SELECT id FROM deliveries WHERE status <> 0 AND status = 1 AND completed_at < {succeededBefore}{typeFilter}");
            branches.Add($"SELECT id FROM deliveries WHERE status = 2 AND completed_at < {failedBefore}{typeFilter}");
        }

        for (var i = 0; i < overrides; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            names.Add("$t" + n);
            Add($" AND event_type = $t{n}", "$s" + n, "$f" + n);
        }

        Add(overrides > 0 ? $" AND event_type NOT IN ({string.Join(", ", names)})" : string.Empty, "$s", "$f");
        return "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY); DELETE FROM purge_ids; "
            + $"INSERT INTO purge_ids SELECT id FROM ({string.Join(" UNION ALL ", branches)}) LIMIT $batch;";
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPurgeResult> PurgeAsync(WebhookPurgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1, nameof(request));
        return await WriteAsync(
            connection =>
            {
                using var select = SqliteSql.Command(connection, PurgeSelectSql(request.Overrides.Count));
                select.With("$s", SqliteSql.ToTicks(request.SucceededBefore)).With("$f", SqliteSql.ToTicks(request.FailedBefore));
                for (var i = 0; i < request.Overrides.Count; i++)
                {
                    var rule = request.Overrides[i];
                    var n = i.ToString(CultureInfo.InvariantCulture);
                    select.With("$t" + n, rule.EventType).With("$s" + n, SqliteSql.ToTicks(rule.SucceededBefore)).With("$f" + n, SqliteSql.ToTicks(rule.FailedBefore));
                }

                select.With("$batch", request.BatchSize);
                select.ExecuteNonQuery();

                var attempts = Execute(connection, "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM purge_ids)");
                var deliveries = Execute(connection, "DELETE FROM deliveries WHERE id IN (SELECT id FROM purge_ids)");
                using var messages = SqliteSql.Command(
                        connection,
                        """
                        DELETE FROM messages WHERE id IN (
                            SELECT m.id FROM messages m
                            WHERE m.timestamp < $before AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id)
                            LIMIT $batch)
                        """)
                    .With("$before", SqliteSql.ToTicks(request.MessagesBefore))
                    .With("$batch", request.BatchSize);
                var removed = messages.ExecuteNonQuery();
                Execute(connection, "DELETE FROM purge_ids");
                return new WebhookPurgeResult(deliveries, attempts, removed);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<DateTimeOffset> StartFailureStreakAsync(string subscriptionId, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return await WriteAsync(
            connection =>
            {
                using var update = SqliteSql.Command(
                        connection,
                        "UPDATE subscriptions SET failing_since = COALESCE(failing_since, $at) WHERE id = $id RETURNING failing_since")
                    .With("$id", subscriptionId)
                    .With("$at", SqliteSql.ToTicks(failedAt));
                return update.ExecuteScalar() is long since ? SqliteSql.FromTicks(since) : failedAt;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask EndFailureStreakAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await WriteAsync(
            connection =>
            {
                using var update = SqliteSql.Command(connection, "UPDATE subscriptions SET failing_since = NULL WHERE id = $id AND failing_since IS NOT NULL")
                    .With("$id", subscriptionId);
                return update.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookBacklog> GetBacklogAsync(DateTimeOffset deadLetteredSince, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            static (connection, since) =>
            {
                using var command = SqliteSql.Command(connection, BacklogSql).With("$since", SqliteSql.ToTicks(since));
                using var reader = command.ExecuteReader();
                reader.Read();
                return new WebhookBacklog(reader.GetInt64(0), SqliteSql.GetTimeOrNull(reader, 1), reader.GetInt64(2));
            },
            deadLetteredSince,
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The coverage audit's per-event-type counts, with only the filters that are set, so that SQLite reads a tenant's rows
    /// through its tenant indexes (and messages since a time through the timestamp index) rather than every row.
    /// </summary>
    internal static string EventTypeSummariesSql(bool byTenant, bool since)
    {
        var tenant = byTenant ? " AND tenant_id = $tenant" : string.Empty;
        return $"""
            SELECT event_type, SUM(published), MAX(last_published), SUM(deliveries), SUM(succeeded), SUM(dead) FROM (
                SELECT event_type, COUNT(*) AS published, MAX(timestamp) AS last_published, 0 AS deliveries, 0 AS succeeded, 0 AS dead
                FROM messages WHERE event_type <> {TestEvent}{tenant}{(since ? " AND timestamp >= $from" : string.Empty)} GROUP BY event_type
                UNION ALL
                SELECT event_type, 0, NULL, COUNT(*), SUM(status = 1), SUM(status = 2)
                FROM deliveries WHERE event_type <> {TestEvent}{tenant}{(since ? " AND created_at >= $from" : string.Empty)} GROUP BY event_type)
            GROUP BY event_type ORDER BY event_type COLLATE BINARY
            """;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookEventTypeSummary>> GetEventTypeSummariesAsync(string? tenantId, DateTimeOffset? from, CancellationToken cancellationToken = default) =>
        await ReadAsync(
            static (connection, state) =>
            {
                using var command = SqliteSql.Command(connection, EventTypeSummariesSql(state.tenantId is not null, state.from is not null));
                AddIfSet(command, "$tenant", state.tenantId);
                AddIfSet(command, "$from", SqliteSql.ToTicksOrNull(state.from));
                using var reader = command.ExecuteReader();
                var items = new List<WebhookEventTypeSummary>();
                while (reader.Read())
                {
                    items.Add(new WebhookEventTypeSummary(reader.GetString(0), reader.GetInt64(1), SqliteSql.GetTimeOrNull(reader, 2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
                }

                return (IReadOnlyList<WebhookEventTypeSummary>)items;
            },
            (tenantId, from),
            cancellationToken).ConfigureAwait(false);

    private static int Execute(SqliteConnection connection, string sql)
    {
        using var command = SqliteSql.Command(connection, sql);
        return command.ExecuteNonQuery();
    }
}
