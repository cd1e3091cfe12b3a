using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// The combined statements of the write batchers: a batch of attempt records and lease releases, or of publishes, as one
/// statement over array parameters. PostgreSQL parses and plans it once per batch, where a batch of single statements
/// costs one parse and plan per write (the store does not rely on prepared statements, which transaction poolers break).
/// </summary>
internal sealed partial class PostgreSqlWebhookStore
{
    /// <summary>
    /// Records and releases of one batch in one statement that returns the id of every delivery a write hit. Each write is
    /// fenced exactly as alone (current token, still pending); an attempt row is inserted only for a record that hit.
    /// Declines (returns <see langword="null"/>) when two writes concern one delivery: one statement updates a row once,
    /// so such writes go one statement each, in queue order.
    /// </summary>
    private NpgsqlBatchCommand? CombineFencedWrites(IReadOnlyList<PostgreSqlBatchedWrite> writes)
    {
        if (HasDuplicateResultKey(writes))
        {
            return null;
        }

        var records = new List<WebhookAttemptRecord>(writes.Count);
        var releases = new List<WebhookLeaseRelease>();
        foreach (var write in writes)
        {
            if (write.Payload is WebhookAttemptRecord record)
            {
                records.Add(record);
            }
            else
            {
                releases.Add((WebhookLeaseRelease)write.Payload);
            }
        }

        var command = new NpgsqlBatchCommand(records.Count == 0 ? _combinedReleasesSql : releases.Count == 0 ? _combinedRecordsSql : _combinedFencedWritesSql);
        var p = command.Parameters;
        if (records.Count > 0)
        {
            AddRecordArrays(p, records);
        }

        if (releases.Count > 0)
        {
            var ids = new string[releases.Count];
            var tokens = new long[releases.Count];
            var dues = new DateTimeOffset[releases.Count];
            for (var i = 0; i < releases.Count; i++)
            {
                ids[i] = releases[i].DeliveryId;
                tokens[i] = releases[i].FencingToken;
                dues[i] = releases[i].DueAt.ToUniversalTime();
            }

            AddArray(p, "x_ids", NpgsqlDbType.Text, ids);
            AddArray(p, "x_tokens", NpgsqlDbType.Bigint, tokens);
            AddArray(p, "x_dues", NpgsqlDbType.TimestampTz, dues);
        }

        return command;
    }

    /// <summary>
    /// Publishes of one batch in one statement that returns the id of every message it inserted, and inserts the
    /// deliveries of those messages only. Declines when two publishes share a message id or a tenant's idempotency key:
    /// alone, the one queued first wins (or the second fails), which one statement would not keep.
    /// </summary>
    private NpgsqlBatchCommand? CombinePublishes(IReadOnlyList<PostgreSqlBatchedWrite> writes)
    {
        if (HasDuplicateResultKey(writes))
        {
            return null;
        }

        var keys = new HashSet<(string Tenant, string Key)>();
        var count = writes.Count;
        var ids = new string[count];
        var tenants = new string[count];
        var eventTypes = new string[count];
        var timestamps = new DateTimeOffset[count];
        var actors = new string?[count];
        var data = new byte[count][];
        var idempotencyKeys = new string?[count];
        var traceParents = new string?[count];
        var deliveries = new List<WebhookDelivery>(count);
        for (var i = 0; i < count; i++)
        {
            var (message, messageDeliveries) = (PostgreSqlPendingPublish)writes[i].Payload;
            if (message.IdempotencyKey is { } key && !keys.Add((message.TenantId, key)))
            {
                return null;
            }

            ids[i] = message.Id;
            tenants[i] = message.TenantId;
            eventTypes[i] = message.EventType;
            timestamps[i] = message.Timestamp.ToUniversalTime();
            actors[i] = message.Actor;
            data[i] = AsArray(message.Data);
            idempotencyKeys[i] = message.IdempotencyKey;
            traceParents[i] = message.TraceParent;
            deliveries.AddRange(messageDeliveries);
        }

        var command = new NpgsqlBatchCommand(_combinedPublishesSql);
        var p = command.Parameters;
        AddArray(p, "m_ids", NpgsqlDbType.Text, ids);
        AddArray(p, "m_tenants", NpgsqlDbType.Text, tenants);
        AddArray(p, "m_event_types", NpgsqlDbType.Text, eventTypes);
        AddArray(p, "m_ts", NpgsqlDbType.TimestampTz, timestamps);
        AddArray(p, "m_actors", NpgsqlDbType.Text, actors);
        AddArray(p, "m_data", NpgsqlDbType.Bytea, data);
        AddArray(p, "m_idempotency_keys", NpgsqlDbType.Text, idempotencyKeys);
        AddArray(p, "m_trace_parents", NpgsqlDbType.Text, traceParents);
        AddDeliveryArrays(p, deliveries);
        return command;
    }

    private static bool HasDuplicateResultKey(IReadOnlyList<PostgreSqlBatchedWrite> writes)
    {
        var seen = new HashSet<string>(writes.Count, StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (!seen.Add(write.ResultKey))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();

    private static void AddArray<T>(NpgsqlParameterCollection parameters, string name, NpgsqlDbType elementType, T[] values) =>
        parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | elementType) { TypedValue = values });

    private static void AddRecordArrays(NpgsqlParameterCollection p, List<WebhookAttemptRecord> records)
    {
        var count = records.Count;
        var ids = new string[count];
        var tokens = new long[count];
        var statuses = new short[count];
        var finals = new bool[count];
        var nextAttempts = new DateTimeOffset[count];
        var completedAts = new DateTimeOffset[count];
        var statusCodes = new int?[count];
        var errors = new string?[count];
        var attemptNumbers = new int[count];
        var startedAts = new DateTimeOffset[count];
        var durations = new long[count];
        var outcomes = new short[count];
        var responseBodies = new string?[count];
        var isTests = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var record = records[i];
            var attempt = record.Attempt;
            ids[i] = record.DeliveryId;
            tokens[i] = record.FencingToken;
            statuses[i] = (short)record.NewStatus;
            finals[i] = record.NewStatus != WebhookDeliveryStatus.Pending;
            nextAttempts[i] = record.NextAttemptAt.ToUniversalTime();
            completedAts[i] = (attempt.StartedAt + attempt.Duration).ToUniversalTime();
            statusCodes[i] = attempt.StatusCode;
            errors[i] = WithoutNul(attempt.Error);
            attemptNumbers[i] = attempt.AttemptNumber;
            startedAts[i] = attempt.StartedAt.ToUniversalTime();
            durations[i] = attempt.Duration.Ticks;
            outcomes[i] = (short)attempt.Outcome;
            responseBodies[i] = WithoutNul(attempt.ResponseBody);
            isTests[i] = attempt.IsTest;
        }

        AddArray(p, "r_ids", NpgsqlDbType.Text, ids);
        AddArray(p, "r_tokens", NpgsqlDbType.Bigint, tokens);
        AddArray(p, "r_statuses", NpgsqlDbType.Smallint, statuses);
        AddArray(p, "r_finals", NpgsqlDbType.Boolean, finals);
        AddArray(p, "r_next_attempts", NpgsqlDbType.TimestampTz, nextAttempts);
        AddArray(p, "r_completed_ats", NpgsqlDbType.TimestampTz, completedAts);
        AddArray(p, "r_status_codes", NpgsqlDbType.Integer, statusCodes);
        AddArray(p, "r_errors", NpgsqlDbType.Text, errors);
        AddArray(p, "r_attempt_numbers", NpgsqlDbType.Integer, attemptNumbers);
        AddArray(p, "r_started_ats", NpgsqlDbType.TimestampTz, startedAts);
        AddArray(p, "r_durations", NpgsqlDbType.Bigint, durations);
        AddArray(p, "r_outcomes", NpgsqlDbType.Smallint, outcomes);
        AddArray(p, "r_response_bodies", NpgsqlDbType.Text, responseBodies);
        AddArray(p, "r_is_tests", NpgsqlDbType.Boolean, isTests);
    }

    /// <summary>The combined fenced-write statement: attempt records, lease releases, or both.</summary>
    private static string FencedWritesSql(PostgreSqlSchema schema, bool records, bool releases)
    {
        // The arrays are in delivery-id order (the batch is sorted), which the nested loop over the primary key that a batch
        // this size gets follows, so row locks are taken in one order as with one statement per write. Should two instances'
        // batches deadlock all the same, the server error rolls the batch back and each write runs alone.
        var recordCtes =
            $"""
            r AS MATERIALIZED (
                SELECT * FROM unnest(@r_ids, @r_tokens, @r_statuses, @r_finals, @r_next_attempts, @r_completed_ats, @r_status_codes,
                                     @r_errors, @r_attempt_numbers, @r_started_ats, @r_durations, @r_outcomes, @r_response_bodies, @r_is_tests)
                    AS r(id, token, status, final, next_attempt_at, completed_at, status_code, error, attempt_number, started_at,
                         duration_ticks, outcome, response_body, is_test)),
            recorded AS (
                UPDATE {schema.Deliveries} d
                SET status = r.status,
                    attempt_count = d.attempt_count + 1,
                    next_attempt_at = CASE WHEN r.final THEN d.next_attempt_at ELSE r.next_attempt_at END,
                    completed_at = CASE WHEN r.final THEN r.completed_at ELSE NULL END,
                    lease_owner = NULL,
                    last_status_code = r.status_code,
                    last_error = r.error
                FROM r
                WHERE d.id = r.id AND d.fencing_token = r.token AND d.status = 0
                RETURNING d.id, d.tenant_id),
            attempts AS (
                INSERT INTO {schema.Attempts} (delivery_id, tenant_id, attempt_number, started_at, duration_ticks, outcome, status_code, response_body, error, is_test)
                SELECT recorded.id, recorded.tenant_id, r.attempt_number, r.started_at, r.duration_ticks, r.outcome, r.status_code, r.response_body, r.error, r.is_test
                FROM recorded JOIN r ON r.id = recorded.id
                ORDER BY recorded.id)
            """;
        var releaseCte =
            $"""
            released AS (
                UPDATE {schema.Deliveries} d
                SET next_attempt_at = x.due, lease_owner = NULL
                FROM unnest(@x_ids, @x_tokens, @x_dues) AS x(id, token, due)
                WHERE d.id = x.id AND d.fencing_token = x.token AND d.status = 0
                RETURNING d.id)
            """;
        return (records, releases) switch
        {
            (true, false) => $"WITH {recordCtes}\nSELECT id FROM recorded",
            (false, true) => $"WITH {releaseCte}\nSELECT id FROM released",
            _ => $"WITH {recordCtes},\n{releaseCte}\nSELECT id FROM recorded UNION ALL SELECT id FROM released",
        };
    }

    /// <summary>The combined publish statement.</summary>
    private static string PublishesSql(PostgreSqlSchema schema) =>
        $"""
        WITH inserted AS (
            INSERT INTO {schema.Messages} ({MessageColumns})
            SELECT * FROM unnest(@m_ids, @m_tenants, @m_event_types, @m_ts, @m_actors, @m_data, @m_idempotency_keys, @m_trace_parents)
            ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id),
        deliveries AS (
            INSERT INTO {schema.Deliveries} ({DeliveryColumns})
            SELECT u.* FROM unnest(@ids, @tenants, @message_ids, @subscription_ids, @event_types, @statuses, @attempt_counts,
                                   @next_attempts, @created_ats, @completed_ats, @lease_owners, @fencing_tokens, @last_status_codes, @last_errors, @priorities)
                AS u({DeliveryColumns})
            WHERE u.message_id IN (SELECT id FROM inserted))
        SELECT id FROM inserted
        """;
}
