namespace Choreblimey.Webhooks;

/// <summary>
/// The default body of every delivery, for receivers to deserialise: <c>{ id, type, timestamp, tenant, actor, data }</c>.
/// </summary>
/// <typeparam name="TData">The payload type.</typeparam>
public sealed record WebhookEnvelope<TData>
{
    /// <summary>Gets the event id; the same as the <c>webhook-id</c> header, and stable across retries.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the event type.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the UTC time the event was published.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the tenant, or <see langword="null"/> for single-tenant hosts.</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets who caused the event, if known.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the payload.</summary>
    public required TData Data { get; init; }
}
