namespace Choreblimey.Webhooks;

/// <summary>
/// Declares one webhook event type that the host can publish and subscribers can subscribe to.
/// </summary>
/// <remarks>
/// The name is checked against the <see cref="WebhookEventName"/> rules when the definition is added to the event
/// catalog, not when the record is created.
/// </remarks>
public sealed record WebhookEventDefinition
{
    /// <summary>Gets the event name, for example <c>booking.created</c>; see <see cref="WebhookEventName"/> for the rules.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the category the event is grouped under in listings, for example <c>Bookings</c>.</summary>
    public required string Category { get; init; }

    /// <summary>Gets an optional human-readable description of when the event is published.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets the CLR type of the event's payload, when the event has a typed payload. Publishing the event then takes only an
    /// instance of this type (or a type derived from it), and serialises it as this type; without one, any payload is
    /// serialised as the type it is passed as.
    /// </summary>
    public Type? PayloadType { get; init; }

    /// <summary>Gets the version of the payload schema, starting at 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Gets a value indicating whether the event is deprecated and should not be used by new subscribers.</summary>
    public bool IsDeprecated { get; init; }

    /// <summary>Gets an optional message that explains the deprecation, for example which event replaces this one.</summary>
    public string? DeprecationMessage { get; init; }
}
