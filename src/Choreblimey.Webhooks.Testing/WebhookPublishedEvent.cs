using System.Text.Json;

namespace Choreblimey.Webhooks.Testing;

/// <summary>An event the host published, as the harness captured it when it was stored.</summary>
public sealed record WebhookPublishedEvent
{
    /// <summary>Gets the event id (the <c>webhook-id</c>).</summary>
    public required string EventId { get; init; }

    /// <summary>Gets the event type.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the tenant; <see langword="null"/> for the default tenant (<see cref="WebhookTenants.Default"/>).</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets who caused the event, if given.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the idempotency key, if given.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets when it was published, on the host's clock.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the payload as published (the envelope's <c>data</c>).</summary>
    public required JsonElement Data { get; init; }

    /// <summary>Gets the subscriptions it was routed to (one delivery each).</summary>
    public required IReadOnlyList<string> SubscriptionIds { get; init; }

    /// <summary>Gets the options the host serialised the payload with, when the harness recorded it.</summary>
    internal JsonSerializerOptions? SerializerOptions { get; init; }

    /// <summary>Deserialises the payload.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="options">
    /// The serialiser options. When omitted, the host's <see cref="WebhookOptions.JsonSerializerOptions"/> (so a host that
    /// writes snake_case or uses its own converters reads its payloads back as it wrote them), or the web defaults
    /// (camelCase) for an event the harness did not record.
    /// </param>
    /// <returns>The payload.</returns>
    public T? GetData<T>(JsonSerializerOptions? options = null) => Data.Deserialize<T>(options ?? SerializerOptions ?? JsonSerializerOptions.Web);

    /// <inheritdoc />
    public override string ToString() =>
        $"{EventType} (tenant {TenantId ?? "(none)"}, id {EventId}, {SubscriptionIds.Count} {(SubscriptionIds.Count == 1 ? "delivery" : "deliveries")})";
}
