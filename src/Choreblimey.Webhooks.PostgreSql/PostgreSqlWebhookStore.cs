using System.Data.Common;
using System.Text;
using Choreblimey.Webhooks.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// A <see cref="IWebhookStore"/> on PostgreSQL, shared by any number of instances: due deliveries are leased with
/// <c>FOR UPDATE SKIP LOCKED</c>, outcomes are fenced by a per-delivery token, and new work is announced with
/// <c>NOTIFY</c>.
/// </summary>
/// <remarks>
/// PostgreSQL keeps <c>timestamptz</c> to the microsecond, so every time the store returns is its input truncated to whole
/// microseconds (a <see cref="DateTimeOffset"/> has 100 ns ticks). Times come back in UTC (offset zero).
/// </remarks>
internal sealed partial class PostgreSqlWebhookStore : IWebhookStore, IWebhookStoreNotifications, IAsyncDisposable, IDisposable
{
    private const string DeliveryColumns =
        "id, tenant_id, message_id, subscription_id, event_type, status, attempt_count, next_attempt_at, created_at, completed_at, lease_owner, fencing_token, last_status_code, last_error, priority";

    private const string MessageColumns = "id, tenant_id, event_type, ts, actor, data, idempotency_key, trace_parent";
    private const int DeliveryColumnCount = 15;
    private const string UniqueViolation = "23505";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly bool _installSchema;
    private readonly bool _useNotifications;
    private readonly PostgreSqlSchema _schema;
    private readonly PostgreSqlNotificationListener _listener;
    private readonly SemaphoreSlim _installGate = new(1, 1);
    private readonly string _claimSql;
    private readonly string _recordAttemptSql;
    private readonly string _insertMessageSql;
    private readonly string _insertMessageAndDeliveriesSql;
    private readonly string _combinedRecordsSql;
    private readonly string _combinedReleasesSql;
    private readonly string _combinedFencedWritesSql;
    private readonly string _combinedPublishesSql;
    private readonly PostgreSqlWriteBatcher _fencedWrites;
    private readonly PostgreSqlWriteBatcher _publishes;
    private readonly bool _prepareStatements;
    private bool _installed;
    private readonly IWebhookSecretProtector? _protector;
    private int _disposed;
    private long _claims;

    /// <summary>Creates a store. Nothing touches the database until the first call.</summary>
    /// <param name="options">Validated options.</param>
    public PostgreSqlWebhookStore(PostgreSqlWebhookStoreOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates a store that protects stored secrets with <paramref name="protector"/>.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="protector">Protects secrets at rest; <see langword="null"/> stores them as they are.</param>
    public PostgreSqlWebhookStore(PostgreSqlWebhookStoreOptions options, IWebhookSecretProtector? protector)
    {
        _protector = protector;
        PostgreSqlWebhookStoreOptionsValidator.ThrowIfInvalid(options);
        if (options.DataSource is { } dataSource)
        {
            _dataSource = dataSource;
        }
        else
        {
            _dataSource = NpgsqlDataSource.Create(options.ConnectionString!);
            _ownsDataSource = true;
        }

        _schema = new PostgreSqlSchema(options.Schema);
        _installSchema = options.InstallSchema;
        _useNotifications = options.UseNotifications;
        _prepareStatements = options.PrepareStatements;
        _listener = new PostgreSqlNotificationListener(_dataSource, _schema.NotificationChannel);
        // Due deliveries are taken per priority band, each in the order of the claim index: without the bands the planner,
        // lacking fresh statistics (a backlog just written), reads and sorts every due row. The bands together cover every
        // priority; an empty band costs one index probe. Rows a band locked but the claim did not take are released at commit.
        string Band(string name, string priority, string order) =>
            $"""
            {name} AS (
                SELECT id, priority, next_attempt_at FROM {_schema.Deliveries}
                WHERE status = 0 AND {priority} AND next_attempt_at <= @now
                ORDER BY {order}
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            """;
        _claimSql =
            $"""
            WITH {Band("above_high", "priority > 1", "priority DESC, next_attempt_at, id")},
            {Band("high", "priority = 1", "next_attempt_at, id")},
            {Band("normal", "priority = 0", "next_attempt_at, id")},
            {Band("low", "priority = -1", "next_attempt_at, id")},
            {Band("below_low", "priority < -1", "priority DESC, next_attempt_at, id")},
            due AS (
                SELECT id, priority, next_attempt_at FROM (
                    SELECT * FROM above_high UNION ALL SELECT * FROM high UNION ALL SELECT * FROM normal
                    UNION ALL SELECT * FROM low UNION ALL SELECT * FROM below_low) bands
                ORDER BY priority DESC, next_attempt_at, id
                LIMIT @limit),
            claimed AS (
                UPDATE {_schema.Deliveries} d
                SET fencing_token = d.fencing_token + 1, lease_owner = @owner, next_attempt_at = @lease_expiry
                WHERE d.id = ANY (ARRAY(SELECT id FROM due))
                RETURNING {Prefix("d", DeliveryColumns)})
            SELECT {Prefix("c", DeliveryColumns)}, {Prefix("m", MessageColumns)}
            FROM claimed c JOIN due ON due.id = c.id JOIN {_schema.Messages} m ON m.id = c.message_id
            WHERE m.id = ANY (ARRAY(SELECT message_id FROM claimed))
            ORDER BY c.priority DESC, due.next_attempt_at, c.id
            """;
        _recordAttemptSql =
            $"""
            WITH updated AS (
                UPDATE {_schema.Deliveries}
                SET status = @status,
                    attempt_count = attempt_count + 1,
                    next_attempt_at = CASE WHEN @final THEN next_attempt_at ELSE @next_attempt_at END,
                    completed_at = CASE WHEN @final THEN @completed_at ELSE NULL END,
                    lease_owner = NULL,
                    last_status_code = @status_code,
                    last_error = @error
                WHERE id = @id AND fencing_token = @token AND status = 0
                RETURNING id, tenant_id)
            INSERT INTO {_schema.Attempts} (delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test)
            SELECT id, tenant_id, @attempt_number, @started_at, @duration_ticks, @outcome, @status_code, @response_body, @error, @is_test
            FROM updated
            """;
        _insertMessageSql =
            $"""
            INSERT INTO {_schema.Messages} ({MessageColumns})
            VALUES (@id, @tenant, @event_type, @ts, @actor, @data, @idempotency_key, @trace_parent)
            ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """;
        // The deliveries are the main statement, so it affects rows exactly when the message was inserted; the NOTIFY rides
        // on the message's row (PostgreSQL sends a transaction's identical notifications once).
        _insertMessageAndDeliveriesSql =
            $"""
            WITH m AS (
                {_insertMessageSql})
            INSERT INTO {_schema.Deliveries} ({DeliveryColumns})
            SELECT u.* FROM unnest(@ids, @tenants, @message_ids, @subscription_ids, @event_types, @statuses, @attempt_counts,
                                   @next_attempts, @created_ats, @completed_ats, @lease_owners, @fencing_tokens, @last_status_codes, @last_errors, @priorities) AS u,
                 (SELECT {(_useNotifications ? "pg_notify(@channel, '')" : "1")} FROM m) AS inserted
            """;
        _combinedRecordsSql = FencedWritesSql(_schema, records: true, releases: false);
        _combinedReleasesSql = FencedWritesSql(_schema, records: false, releases: true);
        _combinedFencedWritesSql = FencedWritesSql(_schema, records: true, releases: true);
        _combinedPublishesSql = PublishesSql(_schema);
        _fencedWrites = new PostgreSqlWriteBatcher(_dataSource, _useNotifications ? CreateNotifyCommand : null, CombineFencedWrites, _prepareStatements);

        // A batch with deliveries notifies once; a publish run alone also notifies from its own statement (only when it
        // inserted), and PostgreSQL sends a transaction's identical notifications once.
        _publishes = new PostgreSqlWriteBatcher(_dataSource, _useNotifications ? CreateNotifyCommand : null, CombinePublishes, _prepareStatements);
    }

    /// <summary>Gets the schema the store uses.</summary>
    internal string Schema => _schema.Name;

    /// <summary>Gets how many batches of attempt records and lease releases have been sent (for tests and diagnostics).</summary>
    internal long FencedWriteBatches => _fencedWrites.Batches;

    /// <summary>Gets how many batches of publishes have been sent (for tests and diagnostics).</summary>
    internal long PublishBatches => _publishes.Batches;

    /// <summary>Gets the flusher of attempt records and lease releases (for tests and diagnostics).</summary>
    internal PostgreSqlWriteBatcher FencedWrites => _fencedWrites;

    /// <summary>Gets the flusher of publishes (for tests and diagnostics).</summary>
    internal PostgreSqlWriteBatcher Publishes => _publishes;

    /// <summary>Gets how many claim statements have been sent (for tests and diagnostics).</summary>
    internal long Claims => Interlocked.Read(ref _claims);

    /// <summary>Gets how many batches of attempt records and lease releases went as one combined statement.</summary>
    internal long CombinedFencedWriteBatches => _fencedWrites.CombinedBatches;

    /// <summary>Gets the name of the schema that holds the store's tables.</summary>
    internal string SchemaName => _schema.Name;

    /// <summary>Gets the name of the database the store's data source connects to (Npgsql's default is the user's name), for messages.</summary>
    internal string? DatabaseName
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return builder.Database ?? builder.Username;
        }
    }

    /// <summary>Gets how many batches of publishes went as one combined statement.</summary>
    internal long CombinedPublishBatches => _publishes.CombinedBatches;

    /// <summary>
    /// Starts listening for other instances' notifications and waits until the listening connection is ready.
    /// Does nothing when notifications are off.
    /// </summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when notifications will be received.</returns>
    internal Task StartListeningAsync(CancellationToken cancellationToken) =>
        _useNotifications ? _listener.StartAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Waits until another instance (or this one) announces new or re-queued deliveries, or until <paramref name="timeout"/>.
    /// A notification that arrived since the previous wait ended returns at once. Polling stays the fallback: a lost
    /// notification only delays work until the next poll.
    /// </summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns><see langword="true"/> when woken by a notification; <see langword="false"/> when the timeout passed.</returns>
    public async Task<bool> WaitForNotificationAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_useNotifications)
        {
            // Real time: the timeout only bounds one wait of the worker's listening loop, whose polls run on its TimeProvider.
            await Task.Delay(timeout, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return await _listener.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates or upgrades the schema now instead of at first use (when <see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/> is on).</summary>
    /// <param name="cancellationToken">A token to cancel the installation.</param>
    /// <returns>A task that completes when the schema is ready.</returns>
    /// <remarks>
    /// With <see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/> off, the first use checks instead that the schema is
    /// there at this library's version, so a missing or older schema fails naming the option and the script rather than
    /// with the first statement's "relation does not exist".
    /// </remarks>
    internal Task EnsureSchemaAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _installed) ? Task.CompletedTask : InstallOnceAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch();
        await using (batch.ConfigureAwait(false))
        {
            var insert = new NpgsqlBatchCommand(
                $"INSERT INTO {_schema.Subscriptions} (id, tenant_id, state, created_at, updated_at, document) VALUES (@id, @tenant, @state, @created, @updated, @document)");
            AddSubscriptionParameters(insert.Parameters, subscription);
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE {_schema.SubscriptionVersion} SET version = version + 1"));
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                batch.Connection = connection;
                try
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
                {
                    throw new InvalidOperationException($"A webhook subscription with id '{subscription.Id}' already exists.", ex);
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return await ReadOneAsync($"SELECT document::text FROM {_schema.Subscriptions} WHERE tenant_id = @tenant AND id = @id", tenantId, subscriptionId, ReadSubscription, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        query = query.WithLimitInRange();
        var after = WebhookContinuationToken.ParseSubscription(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        var sql = new StringBuilder($"SELECT document::text, id FROM {_schema.Subscriptions} s WHERE tenant_id = @tenant");
        var command = _dataSource.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        if (after is not null)
        {
            sql.Append(" AND id > @after");
            AddText(command.Parameters, "after", after);
        }

        if (query.State is { } state)
        {
            sql.Append(" AND state = @state");
            command.Parameters.Add(new NpgsqlParameter<short>("state", NpgsqlDbType.Smallint) { TypedValue = (short)state });
        }

        if (query.EventType is { } eventType)
        {
            // Exact names, "*" for everything, and prefix wildcards ("booking.*" matches "booking.created"), as
            // WebhookEventPatterns.Matches routes: a wildcard needs at least one character after its prefix, so the prefix
            // itself ("booking.") is no match.
            sql.Append(
                " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.document->'eventPatterns') AS p(pattern)" +
                " WHERE p.pattern = '*' OR p.pattern = @event_type" +
                " OR (right(p.pattern, 1) = '*' AND length(@event_type) >= length(p.pattern) AND starts_with(@event_type, left(p.pattern, -1))))");
            AddText(command.Parameters, "event_type", eventType);
        }

        sql.Append(" ORDER BY id LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit + 1 });
        command.CommandText = sql.ToString();

        var items = new List<WebhookSubscription>(Math.Min(query.Limit + 1, 256));
        var ids = new List<string>(items.Capacity);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadSubscription(reader, 0));
                ids.Add(reader.GetString(1));
            }
        }

        if (items.Count <= query.Limit)
        {
            return new WebhookPage<WebhookSubscription>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new WebhookPage<WebhookSubscription>(items, WebhookContinuationToken.ForSubscription(ids[query.Limit - 1]));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand($"SELECT document::text FROM {_schema.Subscriptions} WHERE tenant_id = @tenant ORDER BY id");
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        var items = new List<WebhookSubscription>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadSubscription(reader, 0));
            }
        }

        return items;
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
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        // Under READ COMMITTED a concurrent writer's committed change is re-checked against the condition before the update
        // applies, so two writers that read the same version cannot both win.
        var command = _dataSource.CreateCommand(
            $"""
            WITH changed AS (
                UPDATE {_schema.Subscriptions}
                SET state = @state, created_at = @created, updated_at = @updated, document = @document
                WHERE tenant_id = @tenant AND id = @id AND (@expected::timestamptz IS NULL OR updated_at = @expected)
                RETURNING id),
            bumped AS (
                UPDATE {_schema.SubscriptionVersion} SET version = version + 1 WHERE EXISTS (SELECT 1 FROM changed))
            SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM {_schema.Subscriptions} WHERE tenant_id = @tenant AND id = @id)
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddSubscriptionParameters(command.Parameters, subscription);
        AddNullableTimestamp(command.Parameters, "expected", expectedUpdatedAt);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return reader.GetInt64(0) > 0 ? WebhookSubscriptionUpdateResult.Updated
                : reader.GetInt64(1) > 0 ? WebhookSubscriptionUpdateResult.Changed
                : WebhookSubscriptionUpdateResult.NotFound;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(
            $"""
            WITH removed AS (
                DELETE FROM {_schema.Subscriptions} WHERE tenant_id = @tenant AND id = @id RETURNING id),
            bumped AS (
                UPDATE {_schema.SubscriptionVersion} SET version = version + 1 WHERE EXISTS (SELECT 1 FROM removed))
            SELECT count(*) FROM removed
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        AddText(command.Parameters, "id", subscriptionId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand($"SELECT version FROM {_schema.SubscriptionVersion}");
        await using var commandScope = command.ConfigureAwait(false);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Concurrent publishes are group-committed (see <see cref="PostgreSqlWriteBatcher"/>); an idempotency key is checked
    /// per message exactly as alone (a batch with one key twice runs statement by statement), and a key seen before is read
    /// back after the batch commits.
    /// </remarks>
    public async ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(deliveries);
        for (var i = 0; i < deliveries.Count; i++)
        {
            // Checked here, not when the flusher builds the statement, so a bad call fails alone.
            _ = deliveries[i] ?? throw new ArgumentException($"The delivery at index {i} is null.", nameof(deliveries));
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // Ordered by idempotency key: batches take key locks in one order, and of two publishes of one key in a batch the
        // one queued first is inserted.
        var orderKey = message.IdempotencyKey is { } key ? string.Concat(message.TenantId, "\0", key) : string.Empty;
        var write = new PostgreSqlBatchedWrite(
            orderKey,
            message.Id,
            deliveries.Count > 0,
            new PostgreSqlPendingPublish(message, deliveries),
            () => CreateInsertMessageCommand(message, deliveries));
        if (await _publishes.EnqueueAsync(write, cancellationToken).ConfigureAwait(false))
        {
            return new WebhookMessageInsertResult(message.Id, deliveries.Count, IsDuplicate: false);
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadDuplicateAsync(connection, null, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Inserts a message and its deliveries (and queues the <c>NOTIFY</c>, which PostgreSQL delivers on commit) in one
    /// statement on the caller's connection, inside the caller's transaction when there is one (the caller commits). Used
    /// by <see cref="InsertMessageAsync(WebhookMessage, IReadOnlyList{WebhookDelivery}, CancellationToken)"/> and by
    /// publishing inside the host's transaction.
    /// </summary>
    /// <param name="connection">An open connection to the store's database.</param>
    /// <param name="transaction">The transaction on <paramref name="connection"/>, or <see langword="null"/> for none.</param>
    /// <param name="message">The message.</param>
    /// <param name="deliveries">Its deliveries.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was written; nothing is when the idempotency key was seen before.</returns>
    internal async Task<WebhookMessageInsertResult> InsertMessageAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        WebhookMessage message,
        IReadOnlyList<WebhookDelivery> deliveries,
        CancellationToken cancellationToken)
    {
        var insert = CreateInsertMessageCommand(message, deliveries);
        var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { insert } };
        await using (batch.ConfigureAwait(false))
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return insert.RecordsAffected > 0
            ? new WebhookMessageInsertResult(message.Id, deliveries.Count, IsDuplicate: false)
            : await ReadDuplicateAsync(connection, transaction, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a message on the caller's connection, inside the caller's transaction, so a message that transaction wrote
    /// itself (not visible to other connections until the commit) is found too.
    /// </summary>
    /// <param name="connection">An open connection to the store's database.</param>
    /// <param name="transaction">The transaction on <paramref name="connection"/>.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The message, or <see langword="null"/> when the tenant has none with that id.</returns>
    internal async Task<WebhookMessage?> GetMessageAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string tenantId,
        string messageId,
        CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(MessageByIdSql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        return await ReadOneAsync(command, tenantId, messageId, ReadMessage, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts a message and, only when it was inserted (its idempotency key, if any, not seen before), its deliveries and
    /// a <c>NOTIFY</c>, in one statement that affects (returns) one row when the message was inserted.
    /// </summary>
    private NpgsqlBatchCommand CreateInsertMessageCommand(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries)
    {
        var insert = new NpgsqlBatchCommand(deliveries.Count == 0 ? _insertMessageSql : _insertMessageAndDeliveriesSql);
        var p = insert.Parameters;
        AddText(p, "id", message.Id);
        AddText(p, "tenant", message.TenantId);
        AddText(p, "event_type", message.EventType);
        AddTimestamp(p, "ts", message.Timestamp);
        AddText(p, "actor", message.Actor);
        p.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea) { TypedValue = message.Data });
        AddText(p, "idempotency_key", message.IdempotencyKey);
        AddText(p, "trace_parent", message.TraceParent);
        if (deliveries.Count > 0)
        {
            AddDeliveryArrays(p, deliveries);
            AddChannel(p);
        }

        return insert;
    }

    /// <summary>Reads back the message that already holds <paramref name="message"/>'s idempotency key.</summary>
    private async Task<WebhookMessageInsertResult> ReadDuplicateAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, WebhookMessage message, CancellationToken cancellationToken)
    {
        // The key was used before (possibly by a transaction that committed while this one waited): a statement of its own
        // reads it, since only a new snapshot sees a row committed while the insert waited.
        var existing = new NpgsqlCommand(
            $"""
            SELECT m.id, (SELECT count(*) FROM {_schema.Deliveries} d WHERE d.message_id = m.id)
            FROM {_schema.Messages} m WHERE m.tenant_id = @tenant AND m.idempotency_key = @idempotency_key
            """,
            connection,
            transaction);
        await using var existingScope = existing.ConfigureAwait(false);
        AddText(existing.Parameters, "tenant", message.TenantId);
        AddText(existing.Parameters, "idempotency_key", message.IdempotencyKey);
        var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    $"The idempotency key '{message.IdempotencyKey}' of tenant '{message.TenantId}' is taken, but the message holding it could not be read back (deleted since?).");
            }

            return new WebhookMessageInsertResult(reader.GetString(0), checked((int)reader.GetInt64(1)), IsDuplicate: true);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Owner, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxCount, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
        if (request.MaxCount == 0)
        {
            return [];
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var leaseExpiry = request.Now + request.LeaseDuration;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var command = new NpgsqlCommand(_claimSql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        AddTimestamp(command.Parameters, "now", request.Now);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = request.MaxCount });
        AddText(command.Parameters, "owner", request.Owner);
        AddTimestamp(command.Parameters, "lease_expiry", leaseExpiry);

        var leases = new List<WebhookDeliveryLease>();
        Interlocked.Increment(ref _claims);
        try
        {
            if (_prepareStatements)
            {
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var delivery = ReadDelivery(reader, 0);
                    var message = ReadMessage(reader, DeliveryColumnCount);
                    leases.Add(new WebhookDeliveryLease(delivery, message, delivery.FencingToken, delivery.NextAttemptAt));
                }
            }
        }
        catch (PostgresException ex) when (_prepareStatements && PostgreSqlPreparedStatements.IsLost(ex))
        {
            throw PostgreSqlPreparedStatements.LostError(ex);
        }

        return leases;
    }

    /// <inheritdoc />
    /// <remarks>Concurrent records are group-committed: see <see cref="PostgreSqlWriteBatcher"/>.</remarks>
    public ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Attempt);
        ArgumentNullException.ThrowIfNull(record.DeliveryId, nameof(record));
        var write = new PostgreSqlBatchedWrite(
            record.DeliveryId,
            record.DeliveryId,
            record.NewStatus == WebhookDeliveryStatus.Pending,
            record,
            () => CreateRecordAttemptCommand(record));
        return EnqueueFencedAsync(write, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Concurrent releases are group-committed with attempt records: see <see cref="PostgreSqlWriteBatcher"/>.</remarks>
    public ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(release.DeliveryId, nameof(release));
        var write = new PostgreSqlBatchedWrite(release.DeliveryId, release.DeliveryId, true, release, () => CreateReleaseLeaseCommand(release));
        return EnqueueFencedAsync(write, cancellationToken);
    }

    /// <summary>
    /// Queues a fenced write; once the schema is in place, the caller gets the batcher's own task, with no <c>async</c> layer
    /// (and its allocation and continuation) in between.
    /// </summary>
    private ValueTask<bool> EnqueueFencedAsync(PostgreSqlBatchedWrite write, CancellationToken cancellationToken)
    {
        var schema = EnsureSchemaAsync(cancellationToken);
        if (schema.IsCompletedSuccessfully)
        {
            return new ValueTask<bool>(_fencedWrites.EnqueueAsync(write, cancellationToken));
        }

        return EnqueueAfterSchemaAsync(schema, write, cancellationToken);
    }

    private async ValueTask<bool> EnqueueAfterSchemaAsync(Task schema, PostgreSqlBatchedWrite write, CancellationToken cancellationToken)
    {
        await schema.ConfigureAwait(false);
        return await _fencedWrites.EnqueueAsync(write, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // A loose scan of the claim index: the highest priority band, then each lower one, each band's earliest due time read
        // from the head of its part of the index; one index probe per priority in use rather than a scan of every pending row.
        var command = _dataSource.CreateCommand(
            $"""
            WITH RECURSIVE bands(priority) AS (
                (SELECT priority FROM {_schema.Deliveries} WHERE status = 0 ORDER BY priority DESC LIMIT 1)
                UNION ALL
                SELECT (SELECT d.priority FROM {_schema.Deliveries} d WHERE d.status = 0 AND d.priority < bands.priority ORDER BY d.priority DESC LIMIT 1)
                FROM bands WHERE bands.priority IS NOT NULL)
            SELECT min((SELECT d.next_attempt_at FROM {_schema.Deliveries} d
                        WHERE d.status = 0 AND d.priority = bands.priority ORDER BY d.priority DESC, d.next_attempt_at LIMIT 1))
            FROM bands WHERE bands.priority IS NOT NULL
            """);
        await using var commandScope = command.ConfigureAwait(false);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
        }
    }

    private string MessageByIdSql => $"SELECT {MessageColumns} FROM {_schema.Messages} WHERE tenant_id = @tenant AND id = @id";

    /// <inheritdoc />
    public async ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(messageId);
        return await ReadOneAsync(MessageByIdSql, tenantId, messageId, ReadMessage, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return await ReadOneAsync($"SELECT {DeliveryColumns} FROM {_schema.Deliveries} WHERE tenant_id = @tenant AND id = @id", tenantId, deliveryId, ReadDelivery, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(
            $"""
            SELECT delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test
            FROM {_schema.Attempts} WHERE tenant_id = @tenant AND delivery_id = @id ORDER BY seq
            """);
        await using var commandScope = command.ConfigureAwait(false);
        AddText(command.Parameters, "tenant", tenantId);
        AddText(command.Parameters, "id", deliveryId);
        var attempts = new List<WebhookAttempt>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attempts.Add(new WebhookAttempt
                {
                    DeliveryId = reader.GetString(0),
                    TenantId = reader.GetString(1),
                    AttemptNumber = reader.GetInt32(2),
                    StartedAt = reader.GetFieldValue<DateTimeOffset>(3),
                    Duration = TimeSpan.FromTicks(reader.GetInt64(4)),
                    Outcome = (WebhookAttemptOutcome)reader.GetInt16(5),
                    StatusCode = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                    ResponseBody = reader.IsDBNull(7) ? null : reader.GetString(7),
                    Error = reader.IsDBNull(8) ? null : reader.GetString(8),
                    IsTest = reader.GetBoolean(9),
                });
            }
        }

        return attempts;
    }

    /// <inheritdoc />
    public async ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.TenantId, nameof(query));
        query = query.WithLimitInRange();
        (DateTimeOffset CreatedAt, string Id)? after = WebhookContinuationToken.ParseDelivery(query);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        var command = _dataSource.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        var p = command.Parameters;
        var conditions = new StringBuilder();
        if (query.TenantId != WebhookTenants.All)
        {
            // A host-level subscription's deliveries carry their events' tenants: "*" reads every tenant's.
            conditions.Append(" AND tenant_id = @tenant");
            AddText(p, "tenant", query.TenantId);
        }

        if (query.SubscriptionId is { } subscriptionId)
        {
            conditions.Append(" AND subscription_id = @subscription_id");
            AddText(p, "subscription_id", subscriptionId);
        }

        if (query.MessageId is { } messageId)
        {
            conditions.Append(" AND message_id = @message_id");
            AddText(p, "message_id", messageId);
        }

        if (query.EventType is { } eventType)
        {
            conditions.Append(" AND event_type = @event_type");
            AddText(p, "event_type", eventType);
        }

        if (query.Status is { } status)
        {
            conditions.Append(" AND status = @status");
            p.Add(new NpgsqlParameter<short>("status", NpgsqlDbType.Smallint) { TypedValue = (short)status });
        }

        if (query.FailingOnly)
        {
            conditions.Append(" AND status = 0 AND attempt_count > 0");
        }

        if (query.CreatedFrom is { } from)
        {
            conditions.Append(" AND created_at >= @created_from");
            AddTimestamp(p, "created_from", from);
        }

        if (query.CreatedBefore is { } before)
        {
            conditions.Append(" AND created_at < @created_before");
            AddTimestamp(p, "created_before", before);
        }

        if (after is { } cursor)
        {
            conditions.Append(" AND (created_at, id) < (@after_created_at, @after_id)");
            AddTimestamp(p, "after_created_at", cursor.CreatedAt);
            AddText(p, "after_id", cursor.Id);
        }

        var where = conditions.Length == 0 ? string.Empty : $" WHERE {conditions.ToString(" AND ".Length, conditions.Length - " AND ".Length)}";
        p.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = query.Limit + 1 });
        command.CommandText = $"SELECT {DeliveryColumns} FROM {_schema.Deliveries}{where} ORDER BY created_at DESC, id DESC LIMIT @limit";

        var items = new List<WebhookDelivery>(Math.Min(query.Limit + 1, 256));
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadDelivery(reader, 0));
            }
        }

        if (items.Count <= query.Limit)
        {
            return new WebhookPage<WebhookDelivery>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = items[^1];
        return new WebhookPage<WebhookDelivery>(items, WebhookContinuationToken.ForDelivery(last.CreatedAt, last.Id));
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
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch();
        await using (batch.ConfigureAwait(false))
        {
            // Under READ COMMITTED an update that waits on a claim's row lock re-checks the condition against the claimed row,
            // so a claim committed between the statement's start and its write is seen, not overwritten.
            var update = new NpgsqlBatchCommand(
                $"""
                WITH requeued AS (
                    UPDATE {_schema.Deliveries}
                    SET status = 0, next_attempt_at = @due, completed_at = NULL, lease_owner = NULL, fencing_token = fencing_token + 1
                    WHERE tenant_id = @tenant AND id = @id
                      AND (@now::timestamptz IS NULL OR status <> 0 OR lease_owner IS NULL OR next_attempt_at <= @now)
                    RETURNING id)
                SELECT (SELECT count(*) FROM requeued), (SELECT count(*) FROM {_schema.Deliveries} WHERE tenant_id = @tenant AND id = @id){NotifyIfAny("requeued")}
                """);
            AddTimestamp(update.Parameters, "due", dueAt);
            AddNullableTimestamp(update.Parameters, "now", leaseCheckedAt);
            AddText(update.Parameters, "tenant", tenantId);
            AddText(update.Parameters, "id", deliveryId);
            AddChannel(update.Parameters);
            batch.BatchCommands.Add(update);
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                batch.Connection = connection;
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    return reader.GetInt64(0) > 0 ? WebhookDeliveryRequeueResult.Requeued
                        : reader.GetInt64(1) > 0 ? WebhookDeliveryRequeueResult.Leased
                        : WebhookDeliveryRequeueResult.NotFound;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Queued writes are sent before the data source goes.
        await _publishes.DisposeAsync().ConfigureAwait(false);
        await _fencedWrites.DisposeAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        _installGate.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task InstallOnceAsync(CancellationToken cancellationToken)
    {
        await _installGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_installed)
            {
                if (_installSchema)
                {
                    await _schema.InstallAsync(_dataSource, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _schema.EnsureInstalledAsync(_dataSource, cancellationToken).ConfigureAwait(false);
                }

                Volatile.Write(ref _installed, true);
            }
        }
        finally
        {
            _installGate.Release();
        }
    }

    /// <summary>Adds the deliveries as one array parameter per column, for the <c>unnest</c> in the insert.</summary>
    private static void AddDeliveryArrays(NpgsqlParameterCollection p, IReadOnlyList<WebhookDelivery> deliveries)
    {
        var count = deliveries.Count;
        var ids = new string[count];
        var tenants = new string[count];
        var messageIds = new string[count];
        var subscriptionIds = new string[count];
        var eventTypes = new string[count];
        var statuses = new short[count];
        var attemptCounts = new int[count];
        var nextAttempts = new DateTimeOffset[count];
        var createdAts = new DateTimeOffset[count];
        var completedAts = new DateTimeOffset?[count];
        var leaseOwners = new string?[count];
        var fencingTokens = new long[count];
        var lastStatusCodes = new int?[count];
        var lastErrors = new string?[count];
        var priorities = new short[count];
        for (var i = 0; i < count; i++)
        {
            var d = deliveries[i] ?? throw new ArgumentException($"The delivery at index {i} is null.", nameof(deliveries));
            ids[i] = d.Id;
            tenants[i] = d.TenantId;
            messageIds[i] = d.MessageId;
            subscriptionIds[i] = d.SubscriptionId;
            eventTypes[i] = d.EventType;
            statuses[i] = (short)d.Status;
            attemptCounts[i] = d.AttemptCount;
            nextAttempts[i] = d.NextAttemptAt.ToUniversalTime();
            createdAts[i] = d.CreatedAt.ToUniversalTime();
            completedAts[i] = d.CompletedAt?.ToUniversalTime();
            leaseOwners[i] = d.LeaseOwner;
            fencingTokens[i] = d.FencingToken;
            lastStatusCodes[i] = d.LastStatusCode;
            lastErrors[i] = d.LastError;
            priorities[i] = (short)d.Priority;
        }

        p.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
        p.Add(new NpgsqlParameter<string[]>("tenants", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = tenants });
        p.Add(new NpgsqlParameter<string[]>("message_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = messageIds });
        p.Add(new NpgsqlParameter<string[]>("subscription_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subscriptionIds });
        p.Add(new NpgsqlParameter<string[]>("event_types", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = eventTypes });
        p.Add(new NpgsqlParameter<short[]>("statuses", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = statuses });
        p.Add(new NpgsqlParameter<int[]>("attempt_counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = attemptCounts });
        p.Add(new NpgsqlParameter<DateTimeOffset[]>("next_attempts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = nextAttempts });
        p.Add(new NpgsqlParameter<DateTimeOffset[]>("created_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = createdAts });
        p.Add(new NpgsqlParameter<DateTimeOffset?[]>("completed_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = completedAts });
        p.Add(new NpgsqlParameter<string?[]>("lease_owners", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = leaseOwners });
        p.Add(new NpgsqlParameter<long[]>("fencing_tokens", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = fencingTokens });
        p.Add(new NpgsqlParameter<int?[]>("last_status_codes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = lastStatusCodes });
        p.Add(new NpgsqlParameter<string?[]>("last_errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = lastErrors });
        p.Add(new NpgsqlParameter<short[]>("priorities", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = priorities });
    }

    /// <summary>
    /// The fenced attempt record: one statement that updates the delivery only while the token is current and it is
    /// pending, and inserts the attempt only when that update hit. Affects one row when it applied.
    /// </summary>
    private NpgsqlBatchCommand CreateRecordAttemptCommand(WebhookAttemptRecord record)
    {
        var attempt = record.Attempt;
        var command = new NpgsqlBatchCommand(_recordAttemptSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<short>("status", NpgsqlDbType.Smallint) { TypedValue = (short)record.NewStatus });
        p.Add(new NpgsqlParameter<bool>("final", NpgsqlDbType.Boolean) { TypedValue = record.NewStatus != WebhookDeliveryStatus.Pending });
        AddTimestamp(p, "next_attempt_at", record.NextAttemptAt);
        AddTimestamp(p, "completed_at", attempt.StartedAt + attempt.Duration);
        AddInt(p, "status_code", attempt.StatusCode);
        AddText(p, "error", WithoutNul(attempt.Error));
        AddText(p, "id", record.DeliveryId);
        p.Add(new NpgsqlParameter<long>("token", NpgsqlDbType.Bigint) { TypedValue = record.FencingToken });
        AddInt(p, "attempt_number", attempt.AttemptNumber);
        AddTimestamp(p, "started_at", attempt.StartedAt);
        p.Add(new NpgsqlParameter<long>("duration_ticks", NpgsqlDbType.Bigint) { TypedValue = attempt.Duration.Ticks });
        p.Add(new NpgsqlParameter<short>("outcome", NpgsqlDbType.Smallint) { TypedValue = (short)attempt.Outcome });
        AddText(p, "response_body", WithoutNul(attempt.ResponseBody));
        p.Add(new NpgsqlParameter<bool>("is_test", NpgsqlDbType.Boolean) { TypedValue = attempt.IsTest });
        return command;
    }

    /// <summary>
    /// Replaces NUL, which PostgreSQL text cannot hold, with U+FFFD. Response bodies and errors come from receivers: one that
    /// answers with a NUL byte must not make every record of its delivery fail (the delivery would be retried forever).
    /// </summary>
    private static string? WithoutNul(string? text) =>
        text is null || !text.Contains('\0', StringComparison.Ordinal) ? text : text.Replace('\0', '\uFFFD');

    /// <summary>The fenced lease release. Affects one row when it applied.</summary>
    private NpgsqlBatchCommand CreateReleaseLeaseCommand(WebhookLeaseRelease release)
    {
        var command = new NpgsqlBatchCommand(
            $"UPDATE {_schema.Deliveries} SET next_attempt_at = @due, lease_owner = NULL WHERE id = @id AND fencing_token = @token AND status = 0");
        AddTimestamp(command.Parameters, "due", release.DueAt);
        AddText(command.Parameters, "id", release.DeliveryId);
        command.Parameters.Add(new NpgsqlParameter<long>("token", NpgsqlDbType.Bigint) { TypedValue = release.FencingToken });
        return command;
    }

    /// <summary>
    /// A last column for a statement that re-queues deliveries through the data-modifying CTE <paramref name="cte"/>: a
    /// <c>NOTIFY</c> (through <c>@channel</c>, see <see cref="AddChannel"/>) only when it re-queued something, so that an
    /// operator's re-queue that matched nothing wakes no worker. Empty when notifications are off.
    /// </summary>
    private string NotifyIfAny(string cte) =>
        _useNotifications ? $", (SELECT pg_notify(@channel, '') WHERE EXISTS (SELECT 1 FROM {cte}))" : string.Empty;

    /// <summary>Adds <c>@channel</c>, the store's notification channel, when notifications are on.</summary>
    private void AddChannel(NpgsqlParameterCollection parameters)
    {
        if (_useNotifications)
        {
            AddText(parameters, "channel", _schema.NotificationChannel);
        }
    }

    private NpgsqlBatchCommand CreateNotifyCommand()
    {
        var notify = new NpgsqlBatchCommand("SELECT pg_notify(@channel, '')");
        AddChannel(notify.Parameters);
        return notify;
    }

    private static string Prefix(string alias, string columns) =>
        string.Join(", ", columns.Split(", ").Select(c => alias + "." + c));

    private void AddSubscriptionParameters(NpgsqlParameterCollection parameters, WebhookSubscription subscription)
    {
        AddText(parameters, "id", subscription.Id);
        AddText(parameters, "tenant", subscription.TenantId);
        parameters.Add(new NpgsqlParameter<short>("state", NpgsqlDbType.Smallint) { TypedValue = (short)subscription.State });
        AddTimestamp(parameters, "created", subscription.CreatedAt);
        AddTimestamp(parameters, "updated", subscription.UpdatedAt);
        parameters.Add(new NpgsqlParameter<string>("document", NpgsqlDbType.Jsonb)
        {
            TypedValue = Encoding.UTF8.GetString(WebhookSubscriptionJson.Serialize(subscription, _protector)),
        });
    }

    /// <summary>Reads one row of a tenant by id (the query's parameters are <c>@tenant</c> and <c>@id</c>), or <see langword="null"/>.</summary>
    private async Task<T?> ReadOneAsync<T>(string sql, string tenantId, string id, Func<DbDataReader, int, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var command = _dataSource.CreateCommand(sql);
        await using var commandScope = command.ConfigureAwait(false);
        return await ReadOneAsync(command, tenantId, id, read, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T?> ReadOneAsync<T>(NpgsqlCommand command, string tenantId, string id, Func<DbDataReader, int, T> read, CancellationToken cancellationToken)
        where T : class
    {
        AddText(command.Parameters, "tenant", tenantId);
        AddText(command.Parameters, "id", id);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader, 0) : null;
        }
    }

    private static void AddText(NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void AddInt(NpgsqlParameterCollection parameters, string name, int? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value is { } v ? v : DBNull.Value });

    private static void AddTimestamp(NpgsqlParameterCollection parameters, string name, DateTimeOffset value) =>
        parameters.Add(new NpgsqlParameter<DateTimeOffset>(name, NpgsqlDbType.TimestampTz) { TypedValue = value.ToUniversalTime() });

    private WebhookSubscription ReadSubscription(DbDataReader reader, int ordinal) =>
        WebhookSubscriptionJson.Deserialize(Encoding.UTF8.GetBytes(reader.GetString(ordinal)), _protector);

    private static WebhookDelivery ReadDelivery(DbDataReader reader, int o) => new()
    {
        Id = reader.GetString(o),
        TenantId = reader.GetString(o + 1),
        MessageId = reader.GetString(o + 2),
        SubscriptionId = reader.GetString(o + 3),
        EventType = reader.GetString(o + 4),
        Status = (WebhookDeliveryStatus)reader.GetInt16(o + 5),
        AttemptCount = reader.GetInt32(o + 6),
        NextAttemptAt = reader.GetFieldValue<DateTimeOffset>(o + 7),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(o + 8),
        CompletedAt = reader.IsDBNull(o + 9) ? null : reader.GetFieldValue<DateTimeOffset>(o + 9),
        LeaseOwner = reader.IsDBNull(o + 10) ? null : reader.GetString(o + 10),
        FencingToken = reader.GetInt64(o + 11),
        LastStatusCode = reader.IsDBNull(o + 12) ? null : reader.GetInt32(o + 12),
        LastError = reader.IsDBNull(o + 13) ? null : reader.GetString(o + 13),
        Priority = (WebhookPriority)reader.GetInt16(o + 14),
    };

    private static WebhookMessage ReadMessage(DbDataReader reader, int o) => new()
    {
        Id = reader.GetString(o),
        TenantId = reader.GetString(o + 1),
        EventType = reader.GetString(o + 2),
        Timestamp = reader.GetFieldValue<DateTimeOffset>(o + 3),
        Actor = reader.IsDBNull(o + 4) ? null : reader.GetString(o + 4),
        Data = reader.GetFieldValue<byte[]>(o + 5),
        IdempotencyKey = reader.IsDBNull(o + 6) ? null : reader.GetString(o + 6),
        TraceParent = reader.IsDBNull(o + 7) ? null : reader.GetString(o + 7),
    };
}
