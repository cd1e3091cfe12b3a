using System.Text;
using Choreblimey.Webhooks.Sqlite.Internal;
using Choreblimey.Webhooks.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite;

/// <summary>
/// A <see cref="IWebhookStore"/> on one SQLite file in WAL mode. Writes go through a single writer with group commit;
/// reads use a small pool of read connections.
/// </summary>
internal sealed partial class SqliteWebhookStore : IWebhookStore, IAsyncDisposable, IDisposable
{
    private const string DeliveryColumns =
        "id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at, lease_owner, fencing_token, last_status_code, last_error, priority";

    private const string MessageColumns = "id, tenant_id, event_type, timestamp, actor, data, idempotency_key, trace_parent";

    private const string InsertMessageSql = $"INSERT INTO messages ({MessageColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

    /// <summary>The messages of a claimed batch, by id (<c>?1</c>: a JSON array of message ids).</summary>
    internal const string ClaimedMessagesSql = $"SELECT {MessageColumns} FROM messages WHERE id IN (SELECT value FROM json_each(?1))";

    // Leases the rows a claim picked (?3: a JSON array of their rowids); the pending status makes a row that is no longer
    // pending stay as it is. The rowid comes first, to put each row back in the order the claim picked them.
    internal const string ClaimUpdateSql = $"""
        UPDATE deliveries SET fencing_token = fencing_token + 1, lease_owner = ?1, next_attempt_at = ?2
        WHERE rowid IN (SELECT value FROM json_each(?3)) AND status = 0
        RETURNING rowid, {DeliveryColumns}
        """;

    // The fencing token and pending status make a stale or repeated record change nothing (and return no tenant).
    private const string RecordAttemptSql = $"""
        UPDATE deliveries
        SET {RecordAttemptChanges}
        WHERE id = ?1 AND fencing_token = ?2 AND status = 0
        RETURNING tenant_id
        """;

    // The same, finding the row by the rowid its lease was claimed from (?9); the id is still checked, so a rowid that no
    // longer holds this delivery changes nothing.
    private const string RecordAttemptByRowIdSql = $"""
        UPDATE deliveries
        SET {RecordAttemptChanges}
        WHERE rowid = ?9 AND id = ?1 AND fencing_token = ?2 AND status = 0
        RETURNING tenant_id
        """;

    private const string RecordAttemptChanges = """
        status = ?3,
            attempt_count = attempt_count + 1,
            next_attempt_at = CASE WHEN ?4 = 1 THEN next_attempt_at ELSE ?5 END,
            completed_at = CASE WHEN ?4 = 1 THEN ?6 ELSE NULL END,
            lease_owner = NULL,
            last_status_code = ?7,
            last_error = ?8
        """;

    private const string InsertAttemptSql = """
        INSERT INTO attempts (delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    private const string InsertDeliverySql =
        $"INSERT INTO deliveries ({DeliveryColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

    // Due deliveries are taken per priority band, each band a range of the claim index: ordered by priority alone, SQLite
    // would walk every pending row of a band, due or not (a backlog of retries waiting for later), to fill the limit. The
    // bands together cover every priority; an empty one costs one index probe. They run one after another, highest first,
    // each asked for what the ones before left of the limit: as one UNION ALL with an outer ORDER BY, SQLite sorted every
    // claim's rows again in a temporary B-tree, which cost the single writer about 2 µs more per claimed delivery.
    internal static readonly string[] DueBands =
    [
        DueBand("priority > 1", "priority DESC, next_attempt_at, id"),
        DueBand("priority = 1", "next_attempt_at, id"),
        DueBand("priority = 0", "next_attempt_at, id"),
        DueBand("priority = -1", "next_attempt_at, id"),
        DueBand("priority < -1", "priority DESC, next_attempt_at, id"),
    ];

    private readonly SqliteConnectionFactory _connections;
    private readonly SqliteWriter _writer;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;
    private readonly IWebhookSecretProtector? _protector;
    private int _disposed;

    /// <summary>Creates a store; the database is opened and migrated on first use.</summary>
    /// <param name="options">The options.</param>
    public SqliteWebhookStore(SqliteWebhookStoreOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates a store that protects stored secrets with <paramref name="protector"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="protector">Protects secrets at rest; <see langword="null"/> stores them as they are.</param>
    public SqliteWebhookStore(SqliteWebhookStoreOptions options, IWebhookSecretProtector? protector)
    {
        _protector = protector;
        ArgumentNullException.ThrowIfNull(options);
        if (SqliteConnectionStrings.Validate(options) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        _connections = new SqliteConnectionFactory(options);
        _writer = new SqliteWriter(
            _connections,
            options.MaxGroupCommitSize,
            deferBookkeepingFlushes: options.Synchronous == SqliteSynchronousMode.Full && !options.FlushWorkerWrites);
    }

    /// <summary>Gets how many write batches have been committed.</summary>
    internal long CommittedBatches => _writer.CommittedBatches;

    /// <summary>Gets how many of them held only the worker's bookkeeping and committed without a flush of their own.</summary>
    internal long UnflushedBatches => _writer.UnflushedBatches;

    /// <summary>Gets how long the single writer has spent running operations (for diagnostics and benchmarks).</summary>
    internal TimeSpan WriterOperationTime => _writer.OperationTime;

    /// <summary>Gets how long the single writer has spent committing (for diagnostics and benchmarks).</summary>
    internal TimeSpan WriterCommitTime => _writer.CommitTime;

    /// <summary>Gets the writer's rowid hints for leased deliveries (for tests, read or changed only while the writer is idle).</summary>
    internal SqliteLeasedRowIds LeasedRowIds => _writer.LeasedRowIds;

    /// <inheritdoc />
    public async ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var document = WebhookSubscriptionJson.Serialize(subscription, _protector);
        await WriteAsync(
            connection =>
            {
                using var insert = SubscriptionCommand(
                    connection,
                    "INSERT INTO subscriptions (id, tenant_id, state, created_at, updated_at, document) VALUES ($id, $tenant, $state, $created, $updated, $document)",
                    subscription,
                    document);
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
                {
                    throw new InvalidOperationException($"A webhook subscription with id '{subscription.Id}' already exists.", ex);
                }

                BumpSubscriptionVersion(connection);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return await ReadAsync(
            (connection, state) =>
            {
                using var command = SqliteSql.Command(connection, "SELECT document FROM subscriptions WHERE id = $id AND tenant_id = $tenant")
                    .With("$id", state.subscriptionId)
                    .With("$tenant", state.tenantId);
                using var reader = command.ExecuteReader();
                return reader.Read() ? WebhookSubscriptionJson.Deserialize(SqliteSql.GetBytes(reader, 0), _protector) : null;
            },
            (tenantId, subscriptionId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        query = query.WithLimitInRange();
        var after = WebhookContinuationToken.ParseSubscription(query);
        return await ReadAsync(
            (connection, state) =>
            {
                var (tenant, q, after) = state;

                // The event-type filter matches patterns in code, so without it SQL can stop at one row past the page. Only the
                // filters that are set appear, so a later page starts at its continuation id in the tenant index.
                using var command = SqliteSql.Command(connection, SubscriptionListSql(q))
                    .With("$tenant", tenant)
                    .With("$take", q.EventType is null ? q.Limit + 1 : -1);
                AddIfSet(command, "$state", q.State is { } s ? (int)s : null);
                AddIfSet(command, "$after", after);
                using var reader = command.ExecuteReader();
                var items = new List<WebhookSubscription>(Math.Min(q.Limit, 64));
                var more = false;
                while (reader.Read())
                {
                    var subscription = WebhookSubscriptionJson.Deserialize(SqliteSql.GetBytes(reader, 1), _protector);
                    if (q.EventType is { } eventType && !WebhookEventPatterns.MatchesAny(subscription.EventPatterns, eventType))
                    {
                        continue;
                    }

                    if (items.Count == q.Limit)
                    {
                        more = true;
                        break;
                    }

                    items.Add(subscription);
                }

                return new WebhookPage<WebhookSubscription>(items, more ? WebhookContinuationToken.ForSubscription(items[^1].Id) : null);
            },
            (tenantId, query, after),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return await ReadAsync(
            (connection, tenant) =>
            {
                using var command = SqliteSql.Command(connection, "SELECT document FROM subscriptions WHERE tenant_id = $tenant ORDER BY id")
                    .With("$tenant", tenant);
                using var reader = command.ExecuteReader();
                var items = new List<WebhookSubscription>();
                while (reader.Read())
                {
                    items.Add(WebhookSubscriptionJson.Deserialize(SqliteSql.GetBytes(reader, 0), _protector));
                }

                return (IReadOnlyList<WebhookSubscription>)items;
            },
            tenantId,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) =>
        await WriteSubscriptionAsync(subscription, expectedUpdatedAt: null, cancellationToken).ConfigureAwait(false) == WebhookSubscriptionUpdateResult.Updated;

    /// <inheritdoc />
    public ValueTask<WebhookSubscriptionUpdateResult> UpdateSubscriptionIfUnchangedAsync(WebhookSubscription subscription, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default) =>
        WriteSubscriptionAsync(subscription, expectedUpdatedAt, cancellationToken);

    private async ValueTask<WebhookSubscriptionUpdateResult> WriteSubscriptionAsync(WebhookSubscription subscription, DateTimeOffset? expectedUpdatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var document = WebhookSubscriptionJson.Serialize(subscription, _protector);
        return await WriteAsync(
            connection =>
            {
                // The writer is the only connection that writes, so the check and the write cannot be split by another writer.
                using var update = SubscriptionCommand(
                    connection,
                    "UPDATE subscriptions SET state = $state, created_at = $created, updated_at = $updated, document = $document WHERE id = $id AND tenant_id = $tenant AND ($expected IS NULL OR updated_at = $expected)",
                    subscription,
                    document).With("$expected", expectedUpdatedAt is { } expected ? SqliteSql.ToTicks(expected) : null);
                if (update.ExecuteNonQuery() > 0)
                {
                    BumpSubscriptionVersion(connection);
                    return WebhookSubscriptionUpdateResult.Updated;
                }

                if (expectedUpdatedAt is null)
                {
                    return WebhookSubscriptionUpdateResult.NotFound;
                }

                using var exists = SqliteSql.Command(connection, "SELECT 1 FROM subscriptions WHERE id = $id AND tenant_id = $tenant")
                    .With("$id", subscription.Id)
                    .With("$tenant", subscription.TenantId);
                return exists.ExecuteScalar() is null ? WebhookSubscriptionUpdateResult.NotFound : WebhookSubscriptionUpdateResult.Changed;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return await WriteAsync(
            connection =>
            {
                using var delete = SqliteSql.Command(connection, "DELETE FROM subscriptions WHERE id = $id AND tenant_id = $tenant")
                    .With("$id", subscriptionId)
                    .With("$tenant", tenantId);
                if (delete.ExecuteNonQuery() == 0)
                {
                    return false;
                }

                BumpSubscriptionVersion(connection);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(
            static (connection, _) =>
            {
                using var command = SqliteSql.Command(connection, "SELECT version FROM subscription_version WHERE id = 1");
                return command.ExecuteScalar() is long version ? version : 0L;
            },
            0,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(deliveries);
        foreach (var delivery in deliveries)
        {
            if (delivery.MessageId != message.Id || delivery.TenantId != message.TenantId)
            {
                throw new ArgumentException($"Delivery '{delivery.Id}' does not belong to message '{message.Id}' of its tenant.", nameof(deliveries));
            }
        }

        return new(WriteAsync(connection => InsertMessage(connection, _writer.Statements, message, deliveries), cancellationToken));
    }

    /// <summary>Gets the full path of the store's database file.</summary>
    internal string DatabasePath => _connections.DatabasePath;

    /// <summary>
    /// Inserts a message and its deliveries with the host's connection, inside the host's transaction (under a savepoint,
    /// so a failure leaves the host's transaction as it was). The host commits; see <see cref="SqliteWebhookOutboxExtensions"/>.
    /// </summary>
    /// <param name="transaction">The host's open transaction on the store's database file.</param>
    /// <param name="message">The message.</param>
    /// <param name="deliveries">Its deliveries.</param>
    /// <returns>What was written; nothing is when the idempotency key was seen before.</returns>
    internal WebhookMessageInsertResult InsertMessage(SqliteTransaction transaction, WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        foreach (var delivery in deliveries)
        {
            if (delivery.MessageId != message.Id || delivery.TenantId != message.TenantId)
            {
                throw new ArgumentException($"Delivery '{delivery.Id}' does not belong to message '{message.Id}' of its tenant.", nameof(deliveries));
            }
        }

        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing.");
        const string Savepoint = "choreblimey_webhook";
        transaction.Save(Savepoint);
        try
        {
            var result = InsertMessage(connection, statements: null, message, deliveries);
            transaction.Release(Savepoint);
            return result;
        }
        catch
        {
            transaction.Rollback(Savepoint);
            transaction.Release(Savepoint);
            throw;
        }
    }

    /// <summary>
    /// Reads a message with the host's connection, inside the host's transaction, so a message that transaction wrote
    /// itself (not visible to the store's own connections until the commit) is found too.
    /// </summary>
    /// <param name="transaction">The host's open transaction on the store's database file.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="messageId">The message id.</param>
    /// <returns>The message, or <see langword="null"/> when the tenant has none with that id.</returns>
    internal WebhookMessage? GetMessage(SqliteTransaction transaction, string tenantId, string messageId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing.");
        return LoadMessage(connection, statements: null, messageId, tenantId);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Owner, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxCount, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
        if (request.MaxCount == 0)
        {
            return new([]);
        }

        return new(WriteAsync<IReadOnlyList<WebhookDeliveryLease>>(connection => Claim(connection, _writer.Statements, _writer.LeasedRowIds, request), cancellationToken, flushOnCommit: false));
    }

    /// <inheritdoc />
    public ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Attempt);
        return new(WriteAsync(connection => RecordAttempt(connection, _writer.Statements, _writer.LeasedRowIds, record), cancellationToken, flushOnCommit: false));
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(release.DeliveryId);
        return new(WriteAsync(
            connection =>
            {
                _writer.LeasedRowIds.TryTake(release.DeliveryId, out _);
                using var update = _writer.Statements.Get(
                    connection,
                    "UPDATE deliveries SET next_attempt_at = $due, lease_owner = NULL WHERE id = $id AND fencing_token = $token AND status = 0");
                return update.Command
                    .With("$id", release.DeliveryId)
                    .With("$token", release.FencingToken)
                    .With("$due", SqliteSql.ToTicks(release.DueAt))
                    .ExecuteNonQuery() == 1;
            },
            cancellationToken,
            flushOnCommit: false));
    }

    /// <inheritdoc />
    public async ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(
            static (connection, _) =>
            {
                // A loose scan of the claim index: the highest priority band, then each lower one, each band's earliest due time
                // read from the head of its part of the index; one index probe per priority in use.
                using var command = SqliteSql.Command(
                    connection,
                    """
                    WITH RECURSIVE bands(priority) AS (
                        SELECT (SELECT priority FROM deliveries WHERE status = 0 ORDER BY priority DESC LIMIT 1)
                        UNION ALL
                        SELECT (SELECT d.priority FROM deliveries d WHERE d.status = 0 AND d.priority < bands.priority ORDER BY d.priority DESC LIMIT 1)
                        FROM bands WHERE bands.priority IS NOT NULL)
                    SELECT MIN((SELECT d.next_attempt_at FROM deliveries d
                                WHERE d.status = 0 AND d.priority = bands.priority ORDER BY d.priority DESC, d.next_attempt_at LIMIT 1))
                    FROM bands WHERE bands.priority IS NOT NULL
                    """);
                return command.ExecuteScalar() is long ticks ? SqliteSql.FromTicks(ticks) : (DateTimeOffset?)null;
            },
            0,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(messageId);
        return await ReadAsync(
            static (connection, state) => LoadMessage(connection, statements: null, state.messageId, state.tenantId),
            (tenantId, messageId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return await ReadAsync(
            static (connection, state) =>
            {
                using var command = SqliteSql.Command(connection, $"SELECT {DeliveryColumns} FROM deliveries WHERE id = $id AND tenant_id = $tenant")
                    .With("$id", state.deliveryId)
                    .With("$tenant", state.tenantId);
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadDelivery(reader) : null;
            },
            (tenantId, deliveryId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return await ReadAsync(
            static (connection, state) =>
            {
                using var command = SqliteSql.Command(
                        connection,
                        """
                        SELECT delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test
                        FROM attempts WHERE delivery_id = $id AND tenant_id = $tenant ORDER BY attempt_number, seq
                        """)
                    .With("$id", state.deliveryId)
                    .With("$tenant", state.tenantId);
                using var reader = command.ExecuteReader();
                var attempts = new List<WebhookAttempt>();
                while (reader.Read())
                {
                    attempts.Add(new WebhookAttempt
                    {
                        DeliveryId = reader.GetString(0),
                        TenantId = reader.GetString(1),
                        AttemptNumber = reader.GetInt32(2),
                        StartedAt = SqliteSql.FromTicks(reader.GetInt64(3)),
                        Duration = TimeSpan.FromTicks(reader.GetInt64(4)),
                        Outcome = (WebhookAttemptOutcome)reader.GetInt32(5),
                        StatusCode = SqliteSql.GetInt32OrNull(reader, 6),
                        ResponseBody = SqliteSql.GetStringOrNull(reader, 7),
                        Error = SqliteSql.GetStringOrNull(reader, 8),
                        IsTest = reader.GetInt64(9) != 0,
                    });
                }

                return (IReadOnlyList<WebhookAttempt>)attempts;
            },
            (tenantId, deliveryId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.TenantId, nameof(query));
        query = query.WithLimitInRange();

        // Ids are time-sortable and the log is read by id, so only the token's id is used.
        var after = WebhookContinuationToken.ParseDelivery(query)?.Id;
        return await ReadAsync(
            static (connection, state) =>
            {
                var (q, after) = state;
                using var command = SqliteSql.Command(connection, DeliveryQuerySql(q)).With("$tenant", q.TenantId).With("$take", q.Limit + 1);
                AddIfSet(command, "$subscription", q.SubscriptionId);
                AddIfSet(command, "$message", q.MessageId);
                AddIfSet(command, "$eventType", q.EventType);
                AddIfSet(command, "$status", q.Status is { } s ? (int)s : null);
                AddIfSet(command, "$from", SqliteSql.ToTicksOrNull(q.CreatedFrom));
                AddIfSet(command, "$before", SqliteSql.ToTicksOrNull(q.CreatedBefore));
                AddIfSet(command, "$after", after);
                using var reader = command.ExecuteReader();
                var items = new List<WebhookDelivery>(Math.Min(q.Limit, 128));
                var more = false;
                while (reader.Read())
                {
                    if (items.Count == q.Limit)
                    {
                        more = true;
                        break;
                    }

                    items.Add(ReadDelivery(reader));
                }

                return new WebhookPage<WebhookDelivery>(items, more ? WebhookContinuationToken.ForDelivery(items[^1].CreatedAt, items[^1].Id) : null);
            },
            (query, after),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subscription listing for <paramref name="query"/>'s filters, with only the filters that are set.</summary>
    internal static string SubscriptionListSql(WebhookSubscriptionQuery query) =>
        "SELECT id, document FROM subscriptions WHERE tenant_id = $tenant"
        + (query.State is null ? string.Empty : " AND state = $state")
        + (query.ContinuationToken is null ? string.Empty : " AND id > $after")
        + " ORDER BY id LIMIT $take";

    /// <summary>
    /// The delivery log query for <paramref name="query"/>'s filters: only the filters that are set appear, so SQLite picks
    /// the index that serves them (by subscription, by status, by message) in the plan it makes for this text. A single
    /// text with <c>($x IS NULL OR column = $x)</c> for every filter was planned once for all of them, always on the
    /// tenant index, which walked a tenant's whole log to list its few dead letters. For <see cref="WebhookTenants.All"/>
    /// the tenant condition is left out: a host-level subscription's deliveries carry their events' tenants.
    /// </summary>
    internal static string DeliveryQuerySql(WebhookDeliveryQuery query)
    {
        var filters = new StringBuilder()
            .Append(query.EventType is null ? string.Empty : " AND event_type = $eventType")
            .Append(query.CreatedFrom is null ? string.Empty : " AND created_at >= $from")
            .Append(query.CreatedBefore is null ? string.Empty : " AND created_at < $before")
            .Append(query.ContinuationToken is null ? string.Empty : " AND id < $after")
            .ToString();
        var allTenants = query.TenantId == WebhookTenants.All;
        if (query is { SubscriptionId: null, MessageId: null, Status: null, FailingOnly: false })
        {
            if (allTenants)
            {
                // Every tenant's log, newest first: ids are time-sortable, so the primary key read backwards is the order.
                return $"SELECT {DeliveryColumns} FROM deliveries{Where(filters)} ORDER BY id DESC LIMIT $take";
            }

            // A tenant's whole log, newest first: the newest of each status, merged (schema 7 dropped the index of a
            // tenant's deliveries by id alone, which every publish wrote; each status is a range of the status index).
            var perStatus = Enum.GetValues<WebhookDeliveryStatus>().Select(status =>
                $"SELECT {DeliveryColumns} FROM deliveries WHERE tenant_id = $tenant AND status = {(int)status}{filters}");
            return $"{string.Join(" UNION ALL ", perStatus)} ORDER BY id DESC LIMIT $take";
        }

        // By message, a handful of rows: the unary + keeps SQLite from preferring a tenant index for its order.
        var conditions = new StringBuilder(allTenants ? string.Empty : $" AND {(query.MessageId is null ? string.Empty : "+")}tenant_id = $tenant")
            .Append(query.SubscriptionId is null ? string.Empty : " AND subscription_id = $subscription")
            .Append(query.MessageId is null ? string.Empty : " AND message_id = $message")
            .Append(query.Status is null ? string.Empty : " AND status = $status")
            .Append(query.FailingOnly ? " AND status = 0 AND attempt_count > 0" : string.Empty)
            .Append(filters);
        return $"SELECT {DeliveryColumns} FROM deliveries{Where(conditions.ToString())} ORDER BY id DESC LIMIT $take";
    }

    // Conditions that each begin with " AND " as a WHERE clause; none at all for none.
    private static string Where(string conditions) =>
        conditions.Length == 0 ? string.Empty : $" WHERE {conditions[" AND ".Length..]}";

    private static void AddIfSet(SqliteCommand command, string name, object? value)
    {
        if (value is not null and not DBNull)
        {
            command.With(name, value);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> RequeueDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        await RequeueOneAsync(tenantId, deliveryId, dueAt, leaseCheckedAt: null, cancellationToken).ConfigureAwait(false) == WebhookDeliveryRequeueResult.Requeued;

    /// <inheritdoc />
    public ValueTask<WebhookDeliveryRequeueResult> RequeueDeliveryIfNotLeasedAsync(string tenantId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RequeueOneAsync(tenantId, deliveryId, now, leaseCheckedAt: now, cancellationToken);

    /// <summary>Re-queues one delivery; with <paramref name="leaseCheckedAt"/>, not one whose lease is live then.</summary>
    private async ValueTask<WebhookDeliveryRequeueResult> RequeueOneAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, DateTimeOffset? leaseCheckedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return await WriteAsync(
            connection =>
            {
                // The writer is the only connection that writes (claims included), so no claim can come between the
                // lease check in the statement and the existence check after it.
                using var update = SqliteSql.Command(
                        connection,
                        """
                        UPDATE deliveries
                        SET status = 0, next_attempt_at = $due, completed_at = NULL, lease_owner = NULL, fencing_token = fencing_token + 1
                        WHERE id = $id AND tenant_id = $tenant
                          AND ($now IS NULL OR status <> 0 OR lease_owner IS NULL OR next_attempt_at <= $now)
                        """)
                    .With("$id", deliveryId)
                    .With("$tenant", tenantId)
                    .With("$due", SqliteSql.ToTicks(dueAt))
                    .With("$now", SqliteSql.ToTicksOrNull(leaseCheckedAt));
                if (update.ExecuteNonQuery() == 1)
                {
                    return WebhookDeliveryRequeueResult.Requeued;
                }

                if (leaseCheckedAt is null)
                {
                    return WebhookDeliveryRequeueResult.NotFound;
                }

                using var exists = SqliteSql.Command(connection, "SELECT 1 FROM deliveries WHERE id = $id AND tenant_id = $tenant")
                    .With("$id", deliveryId)
                    .With("$tenant", tenantId);
                return exists.ExecuteScalar() is null ? WebhookDeliveryRequeueResult.NotFound : WebhookDeliveryRequeueResult.Leased;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a raw write operation on the writer (tests use it to shape batches).</summary>
    /// <param name="work">The write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="flushOnCommit">
    /// <see langword="false"/> for the worker's bookkeeping (claims, attempt outcomes, lease releases), which may commit
    /// without a flush of its own; see <see cref="SqliteWebhookStoreOptions.FlushWorkerWrites"/>.
    /// </param>
    internal Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken, bool flushOnCommit = true)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Task.FromException<T>(new ObjectDisposedException(GetType().FullName));
        }

        // Once the database is open, a write is the writer's own task, with no state machine in between: publishing,
        // claiming and recording each paid an allocation and a continuation per layer of async here.
        return _initialized
            ? _writer.EnqueueAsync(work, cancellationToken, flushOnCommit)
            : InitializeAndWriteAsync(work, flushOnCommit, cancellationToken);
    }

    private async Task<T> InitializeAndWriteAsync<T>(Func<SqliteConnection, T> work, bool flushOnCommit, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _writer.EnqueueAsync(work, cancellationToken, flushOnCommit).ConfigureAwait(false);
    }

    /// <summary>Opens the database and migrates the schema if that has not happened yet.</summary>
    internal async ValueTask EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                using var connection = _connections.OpenWriter();
                SqliteSchema.Migrate(connection);
                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        _connections.Dispose();
        _initializeGate.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<TResult> ReadAsync<TState, TResult>(Func<SqliteConnection, TState, TResult> read, TState state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _connections.RentReaderAsync(cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = read(connection, state);
            healthy = true;
            return result;
        }
        finally
        {
            _connections.ReturnReader(connection, healthy);
        }
    }

    /// <summary>A command with a subscription's columns bound as <c>$id</c>, <c>$tenant</c>, <c>$state</c>, <c>$created</c>, <c>$updated</c>, <c>$document</c>.</summary>
    private static SqliteCommand SubscriptionCommand(SqliteConnection connection, string sql, WebhookSubscription subscription, byte[] document) =>
        SqliteSql.Command(connection, sql)
            .With("$id", subscription.Id)
            .With("$tenant", subscription.TenantId)
            .With("$state", (int)subscription.State)
            .With("$created", SqliteSql.ToTicks(subscription.CreatedAt))
            .With("$updated", SqliteSql.ToTicks(subscription.UpdatedAt))
            .With("$document", document);

    private static void BumpSubscriptionVersion(SqliteConnection connection) =>
        SqliteSql.Execute(connection, "UPDATE subscription_version SET version = version + 1 WHERE id = 1");

    private static WebhookMessageInsertResult InsertMessage(SqliteConnection connection, SqliteStatementCache? statements, WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries)
    {
        // On a host's connection the statements are prepared for this call only, and finalised when it ends.
        using var ownStatements = statements is null ? new SqliteStatementCache() : null;
        var cache = statements ?? ownStatements!;
        if (message.IdempotencyKey is { } key)
        {
            using var find = cache.Get(
                connection,
                """
                SELECT m.id, (SELECT COUNT(*) FROM deliveries d WHERE d.message_id = m.id)
                FROM messages m WHERE m.tenant_id = $tenant AND m.idempotency_key = $key
                """);
            using var reader = find.Command
                .With("$tenant", message.TenantId)
                .With("$key", key)
                .ExecuteReader();
            if (reader.Read())
            {
                return new WebhookMessageInsertResult(reader.GetString(0), reader.GetInt32(1), IsDuplicate: true);
            }
        }

        cache.GetRaw(connection, InsertMessageSql)
            .Bind(1, message.Id)
            .Bind(2, message.TenantId)
            .Bind(3, message.EventType)
            .Bind(4, SqliteSql.ToTicks(message.Timestamp))
            .Bind(5, message.Actor)
            .Bind(6, message.Data.Span)
            .Bind(7, message.IdempotencyKey)
            .Bind(8, message.TraceParent)
            .Execute();

        if (deliveries.Count > 0)
        {
            var insertDelivery = cache.GetRaw(connection, InsertDeliverySql);
            foreach (var delivery in deliveries)
            {
                insertDelivery
                    .Bind(1, delivery.Id)
                    .Bind(2, delivery.TenantId)
                    .Bind(3, delivery.MessageId)
                    .Bind(4, delivery.SubscriptionId)
                    .Bind(5, delivery.EventType)
                    .Bind(6, (long)delivery.Status)
                    .Bind(7, delivery.AttemptCount)
                    .Bind(8, SqliteSql.ToTicks(delivery.NextAttemptAt))
                    .Bind(9, SqliteSql.ToTicks(delivery.CreatedAt))
                    .Bind(10, delivery.CompletedAt?.UtcTicks)
                    .Bind(11, delivery.LeaseOwner)
                    .Bind(12, delivery.FencingToken)
                    .Bind(13, delivery.LastStatusCode)
                    .Bind(14, delivery.LastError)
                    .Bind(15, (long)delivery.Priority)
                    .Execute();
            }
        }

        return new WebhookMessageInsertResult(message.Id, deliveries.Count, IsDuplicate: false);
    }

    private static List<WebhookDeliveryLease> Claim(
        SqliteConnection connection,
        SqliteStatementCache statements,
        SqliteLeasedRowIds leasedRowIds,
        WebhookClaimRequest request)
    {
        var now = SqliteSql.ToTicks(request.Now);
        var leaseExpiresAt = request.Now + request.LeaseDuration;

        // Pick the due rows by priority, then oldest first, then lease exactly those: the writer is the only writer, so
        // both statements see the same rows. They are picked by rowid, which the claim index carries, so the update finds
        // each row directly instead of through the primary key's index.
        var order = new List<long>(Math.Min(request.MaxCount, 256));
        foreach (var band in DueBands)
        {
            var wanted = request.MaxCount - order.Count;
            if (wanted == 0)
            {
                break;
            }

            var select = statements.GetRaw(connection, band).Bind(1, now).Bind(2, wanted);
            try
            {
                while (select.Read())
                {
                    order.Add(select.GetInt64(0));
                }
            }
            finally
            {
                select.Reset();
            }
        }

        if (order.Count == 0)
        {
            return [];
        }

        var claimed = new Dictionary<long, WebhookDelivery>(order.Count);
        var update = statements.GetRaw(connection, ClaimUpdateSql)
            .Bind(1, request.Owner)
            .Bind(2, SqliteSql.ToTicks(leaseExpiresAt))
            .Bind(3, ToJsonArray(order));
        try
        {
            while (update.Read())
            {
                claimed[update.GetInt64(0)] = ReadDelivery(update, first: 1);
            }
        }
        finally
        {
            update.Reset();
        }

        // The claimed deliveries' messages in one statement (one per message cost a statement execution each on the writer).
        var messageIds = new HashSet<string>(claimed.Count, StringComparer.Ordinal);
        foreach (var delivery in claimed.Values)
        {
            messageIds.Add(delivery.MessageId);
        }

        var messages = new Dictionary<string, WebhookMessage>(messageIds.Count, StringComparer.Ordinal);
        var selectMessages = statements.GetRaw(connection, ClaimedMessagesSql).Bind(1, ToJsonArray(messageIds));
        try
        {
            while (selectMessages.Read())
            {
                var message = ReadMessage(selectMessages);
                messages[message.Id] = message;
            }
        }
        finally
        {
            selectMessages.Reset();
        }

        var leases = new List<WebhookDeliveryLease>(claimed.Count);
        foreach (var rowId in order)
        {
            var delivery = claimed[rowId];
            if (!messages.TryGetValue(delivery.MessageId, out var message) || message.TenantId != delivery.TenantId)
            {
                throw new InvalidOperationException($"Delivery '{delivery.Id}' refers to missing message '{delivery.MessageId}'.");
            }

            leases.Add(new WebhookDeliveryLease(delivery, message, delivery.FencingToken, leaseExpiresAt));
            leasedRowIds.Add(delivery.Id, rowId);
        }

        return leases;
    }

    private static bool RecordAttempt(
        SqliteConnection connection,
        SqliteStatementCache statements,
        SqliteLeasedRowIds leasedRowIds,
        WebhookAttemptRecord record)
    {
        var attempt = record.Attempt;
        var tenantId = leasedRowIds.TryTake(record.DeliveryId, out var rowId)
            ? UpdateRecordedDelivery(statements.GetRaw(connection, RecordAttemptByRowIdSql).Bind(9, rowId), record)
            : null;

        // No hint, or one that no longer names this delivery's row (the record may also be stale, which the id decides).
        tenantId ??= UpdateRecordedDelivery(statements.GetRaw(connection, RecordAttemptSql), record);
        if (tenantId is null)
        {
            return false;
        }

        statements.GetRaw(connection, InsertAttemptSql)
            .Bind(1, record.DeliveryId)
            .Bind(2, tenantId)
            .Bind(3, attempt.AttemptNumber)
            .Bind(4, SqliteSql.ToTicks(attempt.StartedAt))
            .Bind(5, attempt.Duration.Ticks)
            .Bind(6, (long)attempt.Outcome)
            .Bind(7, attempt.StatusCode)
            .Bind(8, attempt.ResponseBody)
            .Bind(9, attempt.Error)
            .Bind(10, attempt.IsTest ? 1L : 0L)
            .Execute();
        return true;
    }

    private static string? UpdateRecordedDelivery(SqliteRawStatement update, WebhookAttemptRecord record)
    {
        var attempt = record.Attempt;
        var final = record.NewStatus != WebhookDeliveryStatus.Pending;
        return update
            .Bind(1, record.DeliveryId)
            .Bind(2, record.FencingToken)
            .Bind(3, (long)record.NewStatus)
            .Bind(4, final ? 1L : 0L)
            .Bind(5, SqliteSql.ToTicks(record.NextAttemptAt))
            .Bind(6, SqliteSql.ToTicks(attempt.StartedAt + attempt.Duration))
            .Bind(7, attempt.StatusCode)
            .Bind(8, attempt.Error)
            .ExecuteScalarText();
    }

    private static WebhookMessage? LoadMessage(SqliteConnection connection, SqliteStatementCache? statements, string messageId, string tenantId)
    {
        using var command = SqliteStatement.For(statements, connection, $"SELECT {MessageColumns} FROM messages WHERE id = $id AND tenant_id = $tenant");
        using var reader = command.Command
            .With("$id", messageId)
            .With("$tenant", tenantId)
            .ExecuteReader();
        return reader.Read() ? ReadMessage(reader) : null;
    }

    private static WebhookMessage ReadMessage(SqliteDataReader reader) => ReadMessage(new SqliteReaderRow(reader));

    private static WebhookMessage ReadMessage<TRow>(TRow row)
        where TRow : ISqliteRow =>
        new()
        {
            Id = row.GetText(0),
            TenantId = row.GetText(1),
            EventType = row.GetText(2),
            Timestamp = SqliteSql.FromTicks(row.GetInt64(3)),
            Actor = row.GetTextOrNull(4),
            Data = row.GetBlob(5),
            IdempotencyKey = row.GetTextOrNull(6),
            TraceParent = row.GetTextOrNull(7),
        };

    private static WebhookDelivery ReadDelivery(SqliteDataReader reader) => ReadDelivery(new SqliteReaderRow(reader), first: 0);

    /// <summary>Maps <see cref="DeliveryColumns"/>, starting at column <paramref name="first"/>.</summary>
    private static WebhookDelivery ReadDelivery<TRow>(TRow row, int first)
        where TRow : ISqliteRow => new()
    {
        Id = row.GetText(first),
        TenantId = row.GetText(first + 1),
        MessageId = row.GetText(first + 2),
        SubscriptionId = row.GetText(first + 3),
        EventType = row.GetText(first + 4),
        Status = (WebhookDeliveryStatus)row.GetInt64(first + 5),
        AttemptCount = checked((int)row.GetInt64(first + 6)),
        NextAttemptAt = SqliteSql.FromTicks(row.GetInt64(first + 7)),
        CreatedAt = SqliteSql.FromTicks(row.GetInt64(first + 8)),
        CompletedAt = row.GetInt64OrNull(first + 9) is { } completed ? SqliteSql.FromTicks(completed) : null,
        LeaseOwner = row.GetTextOrNull(first + 10),
        FencingToken = row.GetInt64(first + 11),
        LastStatusCode = row.GetInt64OrNull(first + 12) is { } code ? checked((int)code) : null,
        LastError = row.GetTextOrNull(first + 13),
        Priority = (WebhookPriority)row.GetInt64(first + 14),
    };

    /// <summary>One of <see cref="DueBands"/>: a priority band's due deliveries in claim order, at most the limit.</summary>
    private static string DueBand(string priority, string order) =>
        $"SELECT rowid FROM deliveries WHERE status = 0 AND {priority} AND next_attempt_at <= ?1 ORDER BY {order} LIMIT ?2";

    /// <summary>Writes strings as a JSON array, for <c>json_each</c>.</summary>
    private static string ToJsonArray(IReadOnlyCollection<string> values) =>
        ToJsonArray(values, static (writer, value) => writer.WriteStringValue(value), bytesPerValue: 32);

    /// <summary>Writes rowids as a JSON array, for <c>json_each</c>.</summary>
    private static string ToJsonArray(IReadOnlyCollection<long> values) =>
        ToJsonArray(values, static (writer, value) => writer.WriteNumberValue(value), bytesPerValue: 8);

    private static string ToJsonArray<T>(IReadOnlyCollection<T> values, Action<System.Text.Json.Utf8JsonWriter, T> write, int bytesPerValue)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(values.Count * bytesPerValue, 16));
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                write(writer, value);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
