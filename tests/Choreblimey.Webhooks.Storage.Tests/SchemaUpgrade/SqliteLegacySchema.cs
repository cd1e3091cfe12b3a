namespace Choreblimey.Webhooks.Storage.Tests.SchemaUpgrade;

/// <summary>
/// The SQLite store's schema as released versions 1 and 2 wrote it, frozen here by hand: the upgrade tests build an old
/// database from this text, not from the migration code they test.
/// </summary>
internal static class SqliteLegacySchema
{
    public const string Version1 = """
        CREATE TABLE subscriptions (
            id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            state INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            document BLOB NOT NULL
        );
        CREATE INDEX ix_subscriptions_tenant ON subscriptions (tenant_id, id);

        CREATE TABLE subscription_version (
            id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL
        );
        INSERT INTO subscription_version (id, version) VALUES (1, 0);

        CREATE TABLE messages (
            id TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            actor TEXT NULL,
            data BLOB NOT NULL,
            idempotency_key TEXT NULL
        );
        CREATE UNIQUE INDEX ux_messages_idempotency ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_messages_tenant ON messages (tenant_id, id);

        CREATE TABLE deliveries (
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
        CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE status = 0;
        CREATE INDEX ix_deliveries_tenant ON deliveries (tenant_id, id DESC);
        CREATE INDEX ix_deliveries_tenant_subscription ON deliveries (tenant_id, subscription_id, id DESC);
        CREATE INDEX ix_deliveries_tenant_status ON deliveries (tenant_id, status, id DESC);
        CREATE INDEX ix_deliveries_message ON deliveries (message_id);

        CREATE TABLE attempts (
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
        CREATE INDEX ix_attempts_delivery ON attempts (delivery_id, attempt_number, seq);
        """;

    public const string Version2Changes = """
        ALTER TABLE messages ADD COLUMN trace_parent TEXT NULL;
        CREATE INDEX ix_messages_timestamp ON messages (timestamp);
        CREATE INDEX ix_deliveries_completed ON deliveries (completed_at) WHERE status <> 0;
        CREATE INDEX ix_attempts_tenant_started ON attempts (tenant_id, started_at);
        """;

    public const string Version3Changes = """
        ALTER TABLE deliveries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_deliveries_due_priority ON deliveries (priority DESC, next_attempt_at, id) WHERE status = 0;
        """;

    public const string Version4Changes = """
        DROP INDEX ix_deliveries_due;
        """;

    public const string Version5Changes = """
        CREATE INDEX ix_deliveries_dead ON deliveries (completed_at) WHERE status = 2;
        """;

    public const string Version6Changes = """
        ALTER TABLE subscriptions ADD COLUMN failing_since INTEGER NULL;
        """;
}
