namespace Choreblimey.Webhooks.Storage.Tests.SchemaUpgrade;

/// <summary>
/// The PostgreSQL store's schema as released versions 1 and 2 installed it (with their <c>schema_version</c> rows), frozen
/// here by hand: the upgrade tests build an old schema from this text, not from the migration code they test.
/// </summary>
internal static class PostgreSqlLegacySchema
{
    public static string Version1(string schema) => $"""
        CREATE SCHEMA "{schema}";
        CREATE TABLE "{schema}".schema_version (
            version integer PRIMARY KEY,
            installed_at timestamptz NOT NULL DEFAULT now());

        CREATE TABLE "{schema}".subscriptions (
            id text PRIMARY KEY,
            tenant_id text NOT NULL,
            state smallint NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            document jsonb NOT NULL);
        CREATE INDEX subscriptions_tenant_idx ON "{schema}".subscriptions (tenant_id, id);

        CREATE TABLE "{schema}".subscription_version (
            singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            version bigint NOT NULL);
        INSERT INTO "{schema}".subscription_version (singleton, version) VALUES (true, 0);

        CREATE TABLE "{schema}".messages (
            id text PRIMARY KEY,
            tenant_id text NOT NULL,
            event_type text NOT NULL,
            ts timestamptz NOT NULL,
            actor text,
            data bytea NOT NULL,
            idempotency_key text);
        CREATE UNIQUE INDEX messages_idempotency_idx ON "{schema}".messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

        CREATE TABLE "{schema}".deliveries (
            id text PRIMARY KEY,
            tenant_id text NOT NULL,
            message_id text NOT NULL REFERENCES "{schema}".messages (id),
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
        CREATE INDEX deliveries_due_idx ON "{schema}".deliveries (next_attempt_at) WHERE status = 0;
        CREATE INDEX deliveries_log_idx ON "{schema}".deliveries (tenant_id, created_at DESC, id DESC);
        CREATE INDEX deliveries_subscription_idx ON "{schema}".deliveries (tenant_id, subscription_id, created_at DESC, id DESC);
        CREATE INDEX deliveries_message_idx ON "{schema}".deliveries (message_id);

        CREATE TABLE "{schema}".attempts (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id text NOT NULL REFERENCES "{schema}".deliveries (id),
            tenant_id text NOT NULL,
            attempt_number integer NOT NULL,
            started_at timestamptz NOT NULL,
            duration_ticks bigint NOT NULL,
            outcome smallint NOT NULL,
            status_code integer,
            response_body text,
            error text,
            is_test boolean NOT NULL);
        CREATE INDEX attempts_delivery_idx ON "{schema}".attempts (delivery_id, seq);

        INSERT INTO "{schema}".schema_version (version) VALUES (1);
        """;

    public static string Version2Changes(string schema) => $"""
        ALTER TABLE "{schema}".messages ADD COLUMN trace_parent text;
        CREATE INDEX messages_ts_idx ON "{schema}".messages (ts);
        CREATE INDEX deliveries_completed_idx ON "{schema}".deliveries (completed_at) WHERE status <> 0;
        CREATE INDEX attempts_tenant_started_idx ON "{schema}".attempts (tenant_id, started_at);

        INSERT INTO "{schema}".schema_version (version) VALUES (2);
        """;

    public static string Version3Changes(string schema) => $"""
        ALTER TABLE "{schema}".deliveries ADD COLUMN priority smallint NOT NULL DEFAULT 0;
        CREATE INDEX deliveries_due_priority_idx ON "{schema}".deliveries (priority DESC, next_attempt_at, id) WHERE status = 0;

        INSERT INTO "{schema}".schema_version (version) VALUES (3);
        """;

    public static string Version4Changes(string schema) => $"""
        DROP INDEX "{schema}".deliveries_due_idx;

        INSERT INTO "{schema}".schema_version (version) VALUES (4);
        """;

    public static string Version5Changes(string schema) => $"""
        CREATE INDEX deliveries_dead_idx ON "{schema}".deliveries (completed_at) WHERE status = 2;

        INSERT INTO "{schema}".schema_version (version) VALUES (5);
        """;
}
