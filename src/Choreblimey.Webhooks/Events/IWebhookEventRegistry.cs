using System.Diagnostics.CodeAnalysis;

namespace Choreblimey.Webhooks;

/// <summary>
/// The read-only set of declared webhook events. Enumerates the definitions in declaration order.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1710:Identifiers should have correct suffix",
    Justification = "The registry is a lookup service that also enumerates its definitions; the name is public API.")]
public interface IWebhookEventRegistry : IReadOnlyCollection<WebhookEventDefinition>
{
    /// <summary>Gets the distinct categories of the declared events, in the order they were first declared.</summary>
    IReadOnlyList<string> Categories { get; }

    /// <summary>Looks up a declared event by its exact (ordinal) name.</summary>
    /// <param name="eventType">The event name.</param>
    /// <param name="definition">The definition when found.</param>
    /// <returns><see langword="true"/> when the event is declared.</returns>
    bool TryGetEvent(string eventType, [NotNullWhen(true)] out WebhookEventDefinition? definition);

    /// <summary>Gets a declared event by its exact (ordinal) name.</summary>
    /// <param name="eventType">The event name.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="UnknownWebhookEventException">The event is not declared; the exception suggests the closest declared names.</exception>
    WebhookEventDefinition GetEvent(string eventType);

    /// <summary>Finds the single event declared with exactly the given payload type.</summary>
    /// <param name="payloadType">The payload's CLR type, matched exactly (base types and interfaces are not considered).</param>
    /// <param name="definition">The definition when exactly one event declares that payload type.</param>
    /// <returns><see langword="true"/> when one event declares the payload type; <see langword="false"/> when none does.</returns>
    /// <exception cref="InvalidOperationException">Several events declare the payload type, so the event is ambiguous; the message lists them.</exception>
    bool TryGetEventForPayload(Type payloadType, [NotNullWhen(true)] out WebhookEventDefinition? definition);

    /// <summary>Finds the declared event names closest to a name, for "did you mean" messages.</summary>
    /// <param name="eventType">The name to match, typically an undeclared or misspelt one.</param>
    /// <param name="maxCount">The maximum number of names to return.</param>
    /// <returns>Up to <paramref name="maxCount"/> reasonably close names, best first; empty when none is close.</returns>
    IReadOnlyList<string> FindClosestNames(string eventType, int maxCount = 3);
}
