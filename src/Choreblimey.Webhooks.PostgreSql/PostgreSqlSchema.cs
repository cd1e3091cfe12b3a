using System.Text;
using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// The store's schema: table names, the notification channel and the versioned, idempotent installer.
/// </summary>
/// <remarks>
/// The schema name is validated (<see cref="PostgreSqlWebhookStoreOptionsValidator.IsValidSchema"/>) before it is ever put
/// into SQL text; every value is passed as a parameter.
/// </remarks>
internal sealed class PostgreSqlSchema
{
    /// <summary>The schema version this build installs.</summary>
    public const int CurrentVersion = 6;

    /// <summary>Creates the names for a validated schema.</summary>
    /// <param name="schema">The schema name.</param>
    public PostgreSqlSchema(string schema)
    {
        if (!PostgreSqlWebhookStoreOptionsValidator.IsValidSchema(schema))
        {
            throw new ArgumentException($"'{schema}' is not a valid schema name for the webhook store.", nameof(schema));
        }

        Name = schema;
        Subscriptions = Qualify("subscriptions");
        SubscriptionVersion = Qualify("subscription_version");
        Messages = Qualify("messages");
        Deliveries = Qualify("deliveries");
        Attempts = Qualify("attempts");
        SchemaVersion = Qualify("schema_version");
        NotificationChannel = schema + "_deliveries";
        AdvisoryLockKey = ComputeLockKey(schema);
    }

    /// <summary>Gets the schema name.</summary>
    public string Name { get; }

    /// <summary>Gets the qualified subscriptions table.</summary>
    public string Subscriptions { get; }

    /// <summary>Gets the qualified one-row subscription change counter table.</summary>
    public string SubscriptionVersion { get; }

    /// <summary>Gets the qualified messages table.</summary>
    public string Messages { get; }

    /// <summary>Gets the qualified deliveries table.</summary>
    public string Deliveries { get; }

    /// <summary>Gets the qualified attempts table.</summary>
    public string Attempts { get; }

    /// <summary>Gets the qualified schema version table.</summary>
    public string SchemaVersion { get; }

    /// <summary>Gets the query for the installed version (0 when the version table is empty).</summary>
    private string InstalledVersionSql => $"SELECT coalesce(max(version), 0) FROM {SchemaVersion}";

    /// <summary>Gets the channel deliveries are announced on (<c>&lt;schema&gt;_deliveries</c>).</summary>
    public string NotificationChannel { get; }

    /// <summary>Gets the transaction-level advisory lock key that serialises installers of this schema.</summary>
    public long AdvisoryLockKey { get; }

    /// <summary>
    /// Creates or upgrades the schema. Safe to run from many instances at once: installers of one schema take turns under
    /// <c>pg_advisory_xact_lock</c>, and each version's script runs once, recorded in <c>schema_version</c>.
    /// </summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="cancellationToken">A token to cancel the installation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="InvalidOperationException">
    /// The database user may not create or upgrade the schema (the message names the way out), or the schema is newer than
    /// this library.
    /// </exception>
    public async Task InstallAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await InstallOrUpgradeAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"The webhook store could not install its schema '{Name}': the database user may not create or upgrade it ({exception.MessageText}). "
                + $"Have a user who may run the script from PostgreSqlWebhookSchemaScript.Create(\"{Name}\"), grant the application's user what the store needs (see the package's README), and set PostgreSqlWebhookStoreOptions.InstallSchema = false.",
                exception);
        }
    }

    /// <summary>
    /// Checks, without creating anything, that the schema is installed at <see cref="CurrentVersion"/>: what a store with
    /// <c>InstallSchema</c> off needs before its first statement.
    /// </summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="cancellationToken">A token to cancel the check.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="InvalidOperationException">The schema is missing, older or newer; the message says what to run.</exception>
    public async Task EnsureInstalledAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        int installed;
        try
        {
            var command = dataSource.CreateCommand(InstalledVersionSql);
            await using (command.ConfigureAwait(false))
            {
                installed = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new InvalidOperationException(
                $"The webhook schema '{Name}' is not installed in this database, and PostgreSqlWebhookStoreOptions.InstallSchema is off, so the store does not create it. "
                + $"Run the script from PostgreSqlWebhookSchemaScript.Create(\"{Name}\") as a user who may create objects, or turn InstallSchema on.",
                exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"The webhook store may not read {SchemaVersion}, which it checks on first use because PostgreSqlWebhookStoreOptions.InstallSchema is off ({exception.MessageText}). "
                + $"Grant the application's user SELECT, INSERT, UPDATE and DELETE on every table of the schema '{Name}' (see the package's README).",
                exception);
        }

        if (installed < CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The webhook schema '{Name}' is at version {installed}; this library needs version {CurrentVersion}, and PostgreSqlWebhookStoreOptions.InstallSchema is off, so the store does not upgrade it. "
                + $"Run the script from PostgreSqlWebhookSchemaScript.Create(\"{Name}\", installedVersion: {installed}) as a user who may alter it, or turn InstallSchema on.");
        }

        if (installed > CurrentVersion)
        {
            throw NewerThanThisLibrary(installed);
        }
    }

    private InvalidOperationException NewerThanThisLibrary(int installed) =>
        new($"The webhook schema '{Name}' is at version {installed}, newer than this library's {CurrentVersion}. Upgrade Choreblimey.Webhooks.PostgreSql.");

    private async Task InstallOrUpgradeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
                await using (lockCommand.ConfigureAwait(false))
                {
                    lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                var bootstrapCommand = new NpgsqlCommand(Bootstrap, connection, transaction);
                await using (bootstrapCommand.ConfigureAwait(false))
                {
                    await bootstrapCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                int installed;
                var versionCommand = new NpgsqlCommand(InstalledVersionSql, connection, transaction);
                await using (versionCommand.ConfigureAwait(false))
                {
                    installed = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                }

                if (installed > CurrentVersion)
                {
                    throw NewerThanThisLibrary(installed);
                }

                for (var version = installed + 1; version <= CurrentVersion; version++)
                {
                    var migration = new NpgsqlCommand(GetMigration(version), connection, transaction);
                    await using (migration.ConfigureAwait(false))
                    {
                        await migration.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var record = new NpgsqlCommand($"INSERT INTO {SchemaVersion} (version) VALUES (@version)", connection, transaction);
                    await using var recordScope = record.ConfigureAwait(false);
                    record.Parameters.AddWithValue("version", version);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Gets the whole installation as one SQL script, for a database administrator to run where the application's user
    /// may not create objects: the schema, the version table, and each version after <paramref name="installedVersion"/>
    /// with its row in <c>schema_version</c>, in one transaction. The same statements <see cref="InstallAsync"/> runs, under
    /// the same advisory lock, after a check that the database is at <paramref name="installedVersion"/>: a script written
    /// for another version would skip migrations the database lacks, or repeat ones it has.
    /// </summary>
    /// <param name="installedVersion">The version the database is at (0 for a new one).</param>
    /// <returns>The script.</returns>
    public string CreateScript(int installedVersion)
    {
        var script = new StringBuilder();
        script.Append("BEGIN;\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});\n")
            .Append(Bootstrap).Append('\n')
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"""
                DO $check$
                DECLARE installed integer := ({InstalledVersionSql});
                BEGIN
                    IF installed = {CurrentVersion} AND installed <> {installedVersion} THEN
                        RAISE EXCEPTION 'The webhook schema "{Name}" is already at version %, the current version of this library: there is nothing to install.', installed;
                    ELSIF installed <> {installedVersion} THEN
                        RAISE EXCEPTION 'The webhook schema "{Name}" is at version %, but this script was written for version {installedVersion}. Write it with PostgreSqlWebhookSchemaScript.Create("{Name}", %).', installed, installed;
                    END IF;
                END
                $check$;

                """);
        for (var version = installedVersion + 1; version <= CurrentVersion; version++)
        {
            script.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n-- version {version}\n")
                .Append(GetMigration(version).TrimEnd().TrimEnd(';')).Append(";\n")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO {SchemaVersion} (version) VALUES ({version});\n");
        }

        return script.Append("COMMIT;\n").ToString();
    }

    private string Bootstrap =>
        $"""
        CREATE SCHEMA IF NOT EXISTS "{Name}";
        CREATE TABLE IF NOT EXISTS {SchemaVersion} (
            version integer PRIMARY KEY,
            installed_at timestamptz NOT NULL DEFAULT now());
        """;

    private string Qualify(string table) => $"\"{Name}\".{table}";

    private string GetMigration(int version) => version switch
    {
        1 => $"""
            CREATE TABLE {Subscriptions} (
                id text PRIMARY KEY,
                tenant_id text NOT NULL,
                state smallint NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                document jsonb NOT NULL);
            CREATE INDEX subscriptions_tenant_idx ON {Subscriptions} (tenant_id, id);

            CREATE TABLE {SubscriptionVersion} (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                version bigint NOT NULL);
            INSERT INTO {SubscriptionVersion} (singleton, version) VALUES (true, 0);

            CREATE TABLE {Messages} (
                id text PRIMARY KEY,
                tenant_id text NOT NULL,
                event_type text NOT NULL,
                ts timestamptz NOT NULL,
                actor text,
                data bytea NOT NULL,
                idempotency_key text);
            CREATE UNIQUE INDEX messages_idempotency_idx ON {Messages} (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

            CREATE TABLE {Deliveries} (
                id text PRIMARY KEY,
                tenant_id text NOT NULL,
                message_id text NOT NULL REFERENCES {Messages} (id),
                subscription_id text NOT NULL,
                event_type text NOT NULL,
                status smallint NOT NULL,
                attempt_count integer NOT NULL,
                next_attempt_at timestamptz NOT NULL,
                created_at timestamptz NOT NULL,
                completed_at timestamptz,
                lease_owner text,
                fencing_token bigint NOT NULL,
                last_status_code integer,
                last_error text);
            CREATE INDEX deliveries_due_idx ON {Deliveries} (next_attempt_at) WHERE status = 0;
            CREATE INDEX deliveries_log_idx ON {Deliveries} (tenant_id, created_at DESC, id DESC);
            CREATE INDEX deliveries_subscription_idx ON {Deliveries} (tenant_id, subscription_id, created_at DESC, id DESC);
            CREATE INDEX deliveries_message_idx ON {Deliveries} (message_id);

            CREATE TABLE {Attempts} (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id text NOT NULL REFERENCES {Deliveries} (id),
                tenant_id text NOT NULL,
                attempt_number integer NOT NULL,
                started_at timestamptz NOT NULL,
                duration_ticks bigint NOT NULL,
                outcome smallint NOT NULL,
                status_code integer,
                response_body text,
                error text,
                is_test boolean NOT NULL);
            CREATE INDEX attempts_delivery_idx ON {Attempts} (delivery_id, seq);
            """,
        // Version 2: the publishing span's traceparent on messages, and indexes for statistics, usage and retention.
        2 => $"""
            ALTER TABLE {Messages} ADD COLUMN trace_parent text;
            CREATE INDEX messages_ts_idx ON {Messages} (ts);
            CREATE INDEX deliveries_completed_idx ON {Deliveries} (completed_at) WHERE status <> 0;
            CREATE INDEX attempts_tenant_started_idx ON {Attempts} (tenant_id, started_at);
            """,
        // Version 3: publish priority. Claims take due deliveries by priority first, then due time, so the claim index leads
        // with it; the plain due index stays for the earliest-due lookup an idle worker makes.
        3 => $"""
            ALTER TABLE {Deliveries} ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 0;
            CREATE INDEX IF NOT EXISTS deliveries_due_priority_idx ON {Deliveries} (priority DESC, next_attempt_at, id) WHERE status = 0;
            """,
        // Version 4: the earliest-due lookup walks the claim index one priority at a time, so the plain due index goes: every
        // publish, claim and retry wrote an entry into both.
        4 => $"""
            DROP INDEX IF EXISTS "{Name}".deliveries_due_idx;
            """,
        // Version 5: the backlog sample (every BacklogSampleInterval and every health check) counts recent dead letters;
        // through the completed index it read every delivery completed in the window. This index holds the dead letters
        // only, so only a dead-lettering write adds to it.
        5 => $"""
            CREATE INDEX IF NOT EXISTS deliveries_dead_idx ON {Deliveries} (completed_at) WHERE status = 2;
            """,
        // Version 6: when a subscription's failure streak started, kept beside the subscription (not in its document, which
        // subscription updates rewrite) so that the streak outlives a restart and spans the instances.
        6 => $"""
            ALTER TABLE {Subscriptions} ADD COLUMN IF NOT EXISTS failing_since timestamptz;
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown schema version."),
    };

    private static long ComputeLockKey(string schema)
    {
        // FNV-1a (64-bit) of a fixed prefix and the schema name: stable across processes and versions, unlike string.GetHashCode.
        const ulong OffsetBasis = 14695981039346656037;
        const ulong Prime = 1099511628211;
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes("Choreblimey.Webhooks.PostgreSql:" + schema))
        {
            hash ^= b;
            hash *= Prime;
        }

        return unchecked((long)hash);
    }
}
