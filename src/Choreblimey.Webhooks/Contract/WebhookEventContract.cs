using System.Text.Json;

namespace Choreblimey.Webhooks;

/// <summary>One event of a <see cref="WebhookContract"/>.</summary>
public sealed record WebhookEventContract
{
    /// <summary>Gets the event name, sent as the envelope's <c>type</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the category the event is listed under.</summary>
    public required string Category { get; init; }

    /// <summary>Gets what the event means, if described.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the payload schema version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Gets whether the event is deprecated.</summary>
    public bool IsDeprecated { get; init; }

    /// <summary>Gets why the event is deprecated, if it is.</summary>
    public string? DeprecationMessage { get; init; }

    /// <summary>Gets the JSON Schema (draft 2020-12) of the payload (the envelope's <c>data</c>); <c>true</c> (anything) for untyped events.</summary>
    public required JsonElement PayloadSchema { get; init; }

    /// <summary>Gets the JSON Schema of the whole request body: the envelope with the payload schema as its <c>data</c>.</summary>
    public required JsonElement EnvelopeSchema { get; init; }

    /// <summary>Gets an example request body that validates against <see cref="EnvelopeSchema"/>.</summary>
    public required JsonElement ExampleEnvelope { get; init; }
}
