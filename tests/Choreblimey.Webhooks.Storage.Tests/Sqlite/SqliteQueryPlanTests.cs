using Choreblimey.Webhooks.Sqlite;
using Microsoft.Data.Sqlite;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>
/// The plans SQLite makes for the statements that run periodically or on a large log: each must read an index range, never
/// walk the delivery log. SQLite plans without statistics (the store never runs <c>ANALYZE</c>), so these plans are the
/// ones a real database gets.
/// </summary>
public sealed class SqliteQueryPlanTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_backlog_sample_reads_indexes_and_never_the_whole_delivery_log()
    {
        var plan = await PlanAsync(SqliteWebhookStore.BacklogSql, ("$since", 0L));

        // Before schema 5 the dead-letter count was "SCAN deliveries": every delivery ever logged, every 15 s.
        Assert.Contains(plan, step => step.Contains("USING INDEX ix_deliveries_dead", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.Contains("USING", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_purge_batch_is_collected_from_index_ranges_not_by_walking_the_delivery_log(int overrides)
    {
        var statements = SqliteWebhookStore.PurgeSelectSql(overrides).Split("; ", StringSplitOptions.RemoveEmptyEntries);
        var parameters = new (string, object)[] { ("$s", 1L), ("$f", 1L), ("$batch", 1L) }
            .Concat(Enumerable.Range(0, overrides).SelectMany(i => new (string, object)[] { ($"$t{i}", "order.created"), ($"$s{i}", 1L), ($"$f{i}", 1L) }))
            .ToArray();
        var plan = await PlanAsync(statements[^1], setup: statements[0] + ";", parameters);

        // Two ranges per rule (succeeded, dead-lettered), each on its index; before, one walk of the whole completed index.
        var reads = plan.Where(step => step.Contains("deliveries", StringComparison.Ordinal)).ToList();
        Assert.Equal(2 * (overrides + 1), reads.Count);
        Assert.All(reads, step => Assert.Matches(@"^SEARCH deliveries USING INDEX ix_deliveries_(completed|dead) \(completed_at<\?\)$", step));
    }

    [Theory]
    [InlineData(null, null, null, false, "ix_deliveries_tenant_status")]
    [InlineData("sub_1", null, null, false, "ix_deliveries_tenant_subscription")]
    [InlineData(null, WebhookDeliveryStatus.DeadLettered, null, false, "ix_deliveries_tenant_status")]
    [InlineData(null, null, null, true, "ix_deliveries_tenant_status")]
    [InlineData(null, null, "msg_1", false, "ix_deliveries_message")]
    [InlineData("sub_1", null, "msg_1", false, "ix_deliveries_message")]
    public async Task The_delivery_log_reads_the_index_of_its_filter(string? subscription, WebhookDeliveryStatus? status, string? message, bool failingOnly, string index)
    {
        var query = new WebhookDeliveryQuery { TenantId = TenantA, SubscriptionId = subscription, Status = status, MessageId = message, FailingOnly = failingOnly, ContinuationToken = "dlv_9" };
        var sql = SqliteWebhookStore.DeliveryQuerySql(query);
        var parameters = new (string Name, object Value)[] { ("$tenant", TenantA), ("$subscription", "x"), ("$message", "x"), ("$status", 1L), ("$after", "x"), ("$take", 1L) }
            .Where(p => sql.Contains(p.Name, StringComparison.Ordinal))
            .ToArray();
        var plan = await PlanAsync(sql, parameters);

        // Before, every filter was planned as ($x IS NULL OR column = $x) in one text, and always read the tenant index.
        Assert.Contains(plan, step => step.StartsWith($"SEARCH deliveries USING INDEX {index} (", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tenants_whole_log_is_read_newest_first_from_one_status_range_per_status(bool filtered)
    {
        var query = filtered
            ? new WebhookDeliveryQuery { TenantId = TenantA, EventType = "order.created", CreatedFrom = DateTimeOffset.UnixEpoch, ContinuationToken = "dlv_9" }
            : new WebhookDeliveryQuery { TenantId = TenantA };
        var sql = SqliteWebhookStore.DeliveryQuerySql(query);
        var parameters = new (string Name, object Value)[] { ("$tenant", TenantA), ("$eventType", "order.created"), ("$from", 0L), ("$after", "dlv_9"), ("$take", 51L) }
            .Where(p => sql.Contains(p.Name, StringComparison.Ordinal))
            .ToArray();
        var plan = await PlanAsync(sql, parameters);

        // Schema 7 dropped the tenant's index by id alone (an entry per publish): each status is one range of the status
        // index, already newest first, merged as they stream, so nothing is sorted and the merge stops at the page's end.
        var reads = plan.Where(step => step.Contains("deliveries", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enum.GetValues<WebhookDeliveryStatus>().Length, reads.Count);
        var range = filtered ? @"\(tenant_id=\? AND status=\? AND id<\?\)" : @"\(tenant_id=\? AND status=\?\)";
        Assert.All(reads, step => Assert.Matches("^SEARCH deliveries USING INDEX ix_deliveries_tenant_status " + range + "$", step));
        Assert.Contains("MERGE (UNION ALL)", plan);
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_tenants_whole_log_is_read_newest_first_along_the_primary_key(bool filtered)
    {
        var query = filtered
            ? new WebhookDeliveryQuery { TenantId = WebhookTenants.All, EventType = "order.created", CreatedFrom = DateTimeOffset.UnixEpoch, ContinuationToken = "dlv_9" }
            : new WebhookDeliveryQuery { TenantId = WebhookTenants.All };
        var sql = SqliteWebhookStore.DeliveryQuerySql(query);
        var parameters = new (string Name, object Value)[] { ("$eventType", "order.created"), ("$from", 0L), ("$after", "dlv_9"), ("$take", 51L) }
            .Where(p => sql.Contains(p.Name, StringComparison.Ordinal))
            .ToArray();
        var plan = await PlanAsync(sql, parameters);

        // Ids are time-sortable: the primary key's index, read backwards, is already newest first, so nothing is sorted.
        Assert.DoesNotContain("$tenant", sql, StringComparison.Ordinal);
        Assert.Single(plan, step => step.StartsWith("SEARCH deliveries USING INDEX sqlite_autoindex_deliveries_1", StringComparison.Ordinal)
            || step.StartsWith("SCAN deliveries USING INDEX sqlite_autoindex_deliveries_1", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_coverage_audit_of_one_tenant_reads_that_tenants_rows_only()
    {
        var plan = await PlanAsync(SqliteWebhookStore.EventTypeSummariesSql(byTenant: true, since: false), ("$tenant", TenantA));

        // Before, ($tenant IS NULL OR tenant_id = $tenant) made both reads full scans whatever the tenant.
        Assert.Contains(plan, step => step.StartsWith("SEARCH messages USING ", StringComparison.Ordinal) && step.Contains("(tenant_id=?)", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING ", StringComparison.Ordinal) && step.Contains("(tenant_id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN messages", StringComparison.Ordinal) || step.StartsWith("SCAN deliveries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subscriptions_stats_count_its_deliveries_through_its_index()
    {
        var query = new WebhookStatsQuery { TenantId = TenantA, SubscriptionId = "sub_1" };
        var plan = await PlanAsync(SqliteWebhookStore.StatsCountsSql(query), ("$tenant", TenantA), ("$subscription", "sub_1"));

        // Before, ($subscription IS NULL OR subscription_id = $subscription) counted through the tenant index: every delivery of the tenant.
        Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING INDEX ix_deliveries_tenant_subscription (tenant_id=? AND subscription_id=?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tenants_stats_count_its_deliveries_through_a_tenant_index()
    {
        var query = new WebhookStatsQuery { TenantId = TenantA, From = DateTimeOffset.UnixEpoch };
        var plan = await PlanAsync(SqliteWebhookStore.StatsCountsSql(query), ("$tenant", TenantA), ("$from", 0L));

        // Schema 7 dropped the tenant's index by id alone: the count reads the tenant's entries of another tenant-led index.
        Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING INDEX ix_deliveries_tenant_", StringComparison.Ordinal) && step.Contains("(tenant_id=?", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN deliveries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Usage_counts_a_tenants_attempts_from_its_index_range_and_looks_up_each_ones_delivery_by_key()
    {
        var plan = await PlanAsync(SqliteWebhookStore.UsageSql(TenantA), ("$tenant", TenantA), ("$from", 0L), ("$before", 1L));

        // The attempt count joins deliveries to leave out the test event's attempts: it must not walk either table.
        Assert.Contains(plan, step => step.StartsWith("SEARCH a USING INDEX ix_attempts_tenant_started (tenant_id=? AND started_at>? AND started_at<?)", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH d USING INDEX sqlite_autoindex_deliveries_1 (id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && step != "SCAN CONSTANT ROW");
    }

    [Fact]
    public async Task A_claimed_batch_reads_its_messages_by_primary_key()
    {
        var plan = await PlanAsync(SqliteWebhookStore.ClaimedMessagesSql, ("?1", "[\"msg_1\",\"msg_2\"]"));

        // One statement for the batch, one key lookup per message (before, one command per claimed delivery).
        Assert.Contains(plan, step => step.StartsWith("SEARCH messages USING INDEX sqlite_autoindex_messages_1 (id=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN messages", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_claim_band_reads_its_range_of_the_claim_index_in_claim_order()
    {
        Assert.Equal(5, SqliteWebhookStore.DueBands.Length); // one band per declared priority, and one each above and below them
        foreach (var band in SqliteWebhookStore.DueBands)
        {
            var plan = await PlanAsync(band, ("?1", 0L), ("?2", 64L));

            // The rowid comes from the index entry: no read of the table and no sort, whatever the band.
            Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING COVERING INDEX ix_deliveries_due_priority (priority", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_claim_leases_its_picked_rows_by_rowid()
    {
        var plan = await PlanAsync(SqliteWebhookStore.ClaimUpdateSql, ("?1", "worker"), ("?2", 1L), ("?3", "[1,2]"));

        // Before, the claim picked ids and the update found each row through the primary key's index first.
        Assert.Contains(plan, step => step.StartsWith("SEARCH deliveries USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("sqlite_autoindex_deliveries_1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_later_page_of_subscriptions_starts_at_its_continuation_id()
    {
        var query = new WebhookSubscriptionQuery { ContinuationToken = "sub_500" };
        var plan = await PlanAsync(SqliteWebhookStore.SubscriptionListSql(query), ("$tenant", TenantA), ("$after", "sub_500"), ("$take", 101L));

        // Before, ($after IS NULL OR id > $after) walked the tenant's subscriptions from the first one for every page.
        Assert.Contains(plan, step => step.StartsWith("SEARCH subscriptions USING INDEX ix_subscriptions_tenant (tenant_id=? AND id>?)", StringComparison.Ordinal));
    }

    private Task<List<string>> PlanAsync(string sql, params (string Name, object Value)[] parameters) => PlanAsync(sql, setup: null, parameters);

    /// <summary>The store's schema in a new file, then <c>EXPLAIN QUERY PLAN</c> of <paramref name="sql"/>: one line per step.</summary>
    private async Task<List<string>> PlanAsync(string sql, string? setup, params (string Name, object Value)[] parameters)
    {
        var path = _directory.File();
        await using (var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = path }))
        {
            await store.EnsureInitializedAsync(CancellationToken.None);
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        if (setup is not null)
        {
            using var prepare = connection.CreateCommand();
            prepare.CommandText = setup;
            prepare.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
