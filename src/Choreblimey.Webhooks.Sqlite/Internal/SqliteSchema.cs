using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>Creates and migrates the schema. The version is kept in <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes.</summary>
    public const int CurrentVersion = 7;

    private const string Version1 = """
        CREATE TABLE IF NOT EXISTS subscriptions (
            id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            document BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_subscriptions_tenant ON subscriptions (tenant_id, id);

        CREATE TABLE IF NOT EXISTS subscription_version (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO subscription_version (id, version) VALUES (1, 0);

        CREATE TABLE IF NOT EXISTS messages (
            id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            actor TEXT NULL,
            data BLOB NOT NULL,
            idempotency_key TEXT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_messages_idempotency ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_messages_tenant ON messages (tenant_id, id);

        CREATE TABLE IF NOT EXISTS deliveries (
            id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            message_id TEXT NOT NULL REFERENCES messages (id),
            subscription_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            status INTEGER NOT NULL,
            attempt_count INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            completed_at INTEGER NULL,
            lease_owner TEXT NULL,
            fencing_token INTEGER NOT NULL,
            last_status_code INTEGER NULL,
            last_error TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_deliveries_due ON deliveries (next_attempt_at) WHERE status = 0;
        CREATE INDEX IF NOT EXISTS ix_deliveries_tenant ON deliveries (tenant_id, id DESC);
        CREATE INDEX IF NOT EXISTS ix_deliveries_tenant_subscription ON deliveries (tenant_id, subscription_id, id DESC);
        CREATE INDEX IF NOT EXISTS ix_deliveries_tenant_status ON deliveries (tenant_id, status, id DESC);
        CREATE INDEX IF NOT EXISTS ix_deliveries_message ON deliveries (message_id);

        CREATE TABLE IF NOT EXISTS attempts (
            seq INTEGER NOT NULL PRIMARY KEY,
            delivery_id TEXT NOT NULL REFERENCES deliveries (id),
            tenant_id TEXT NOT NULL,
            attempt_number INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            duration_ticks INTEGER NOT NULL,
            outcome INTEGER NOT NULL,
            status_code INTEGER NULL,
            response_body TEXT NULL,
            error TEXT NULL,
            is_test INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_attempts_delivery ON attempts (delivery_id, attempt_number, seq);
        """;

    // Version 2: the publishing span's traceparent on messages, and indexes for statistics, usage and retention.
    private const string Version2 = """
        ALTER TABLE messages ADD COLUMN trace_parent TEXT NULL;
        CREATE INDEX IF NOT EXISTS ix_messages_timestamp ON messages (timestamp);
        CREATE INDEX IF NOT EXISTS ix_deliveries_completed ON deliveries (completed_at) WHERE status <> 0;
        CREATE INDEX IF NOT EXISTS ix_attempts_tenant_started ON attempts (tenant_id, started_at);
        """;

    // Version 3: publish priority. Claims take due deliveries by priority first, then due time, so the claim index leads
    // with it; the plain due index stays for the earliest-due lookup an idle worker makes.
    private const string Version3 = """
        ALTER TABLE deliveries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX IF NOT EXISTS ix_deliveries_due_priority ON deliveries (priority DESC, next_attempt_at, id) WHERE status = 0;
        """;

    // Version 4: the earliest-due lookup walks the claim index one priority at a time, so the plain due index goes: every
    // publish, claim and retry wrote an entry into both.
    private const string Version4 = """
        DROP INDEX IF EXISTS ix_deliveries_due;
        """;

    // Version 5: the backlog sample (every BacklogSampleInterval and every health check) counts recent dead letters.
    // SQLite cannot tell that status = 2 implies the completed index's status <> 0, so it read the whole deliveries
    // table; this index holds the dead letters only, so only a dead-lettering write adds to it.
    private const string Version5 = """
        CREATE INDEX IF NOT EXISTS ix_deliveries_dead ON deliveries (completed_at) WHERE status = 2;
        """;

    // Version 6: when a subscription's failure streak started, kept beside the subscription (not in its document, which
    // subscription updates rewrite) so that the streak outlives a restart.
    private const string Version6 = """
        ALTER TABLE subscriptions ADD COLUMN failing_since INTEGER NULL;
        """;

    // Version 7: every publish wrote an entry into each of the delivery indexes, and the single writer's serial work bounds
    // publishes per second. The index of a tenant's deliveries by id alone goes: a tenant's whole log is read newest first
    // from the status index, one range per status, merged; counts by tenant use the tenant prefix of the other indexes.
    private const string Version7 = """
        DROP INDEX IF EXISTS ix_deliveries_tenant;
        """;

    private static readonly string[] Changes = [Version1, Version2, Version3, Version4, Version5, Version6, Version7];

    /// <summary>
    /// Brings the database to <see cref="CurrentVersion"/>. Safe to run from several connections or processes at once: the
    /// check and the changes happen under SQLite's write lock, and every statement is idempotent.
    /// </summary>
    public static void Migrate(SqliteConnection connection)
    {
        // Fast path, no write lock: another connection (a host publishing inside its own transaction) may hold it.
        if (ReadVersion(connection) == CurrentVersion && IsWal(connection))
        {
            return;
        }

        using (var command = SqliteSql.Command(connection, "PRAGMA journal_mode = WAL;"))
        {
            var mode = command.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The SQLite webhook store needs WAL journaling, but the database reports '{mode}'.");
            }
        }

        SqliteSql.Execute(connection, "BEGIN IMMEDIATE;");
        try
        {
            var version = ReadVersion(connection);
            if (version > CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"The webhook database has schema version {version}, newer than this library's {CurrentVersion}. Upgrade Choreblimey.Webhooks.Sqlite.");
            }

            // Changes[n] takes a database from version n to n + 1.
            for (var step = (int)Math.Max(version, 0); step < CurrentVersion; step++)
            {
                SqliteSql.Execute(connection, Changes[step]);
            }

            if (version < CurrentVersion)
            {
                SqliteSql.Execute(connection, $"PRAGMA user_version = {CurrentVersion};");
            }

            SqliteSql.Execute(connection, "COMMIT;");
        }
        catch
        {
            SqliteSql.Execute(connection, "ROLLBACK;");
            throw;
        }
    }

    private static bool IsWal(SqliteConnection connection)
    {
        using var command = SqliteSql.Command(connection, "PRAGMA journal_mode;");
        return string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
    }

    public static long ReadVersion(SqliteConnection connection)
    {
        using var command = SqliteSql.Command(connection, "PRAGMA user_version;");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
