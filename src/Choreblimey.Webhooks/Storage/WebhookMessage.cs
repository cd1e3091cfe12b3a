namespace Choreblimey.Webhooks;

/// <summary>
/// A published event as stored: the envelope's fields and the payload serialised once as UTF-8 JSON.
/// </summary>
public sealed record WebhookMessage
{
    /// <summary>Gets the event id (<c>msg_</c> followed by a time-sortable identifier). Sent as <c>webhook-id</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the tenant the event belongs to; the empty string for the default tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>Gets the declared event type, such as <c>chore:created</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the UTC time the event was published.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the id of whoever caused the event, when known.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the payload as UTF-8 JSON (the envelope's <c>data</c>).</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Gets the idempotency key the event was published with, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets the W3C <c>traceparent</c> of the publishing span, so delivery attempts join the publisher's trace.</summary>
    public string? TraceParent { get; init; }
}
