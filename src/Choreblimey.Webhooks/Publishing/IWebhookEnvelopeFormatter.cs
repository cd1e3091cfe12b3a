using System.Buffers;

namespace Choreblimey.Webhooks;

/// <summary>
/// Writes the body of a delivery around the stored payload. Register one with <c>AddEnvelopeFormatter</c> and select it per
/// subscription by <see cref="Name"/> (<see cref="WebhookSubscription.Envelope"/>).
/// </summary>
/// <remarks>
/// The output must depend only on the message, never on the current time or attempt, so every retry of a delivery sends
/// the same bytes (and receivers can de-duplicate and verify them). <see cref="WebhookMessage.Data"/> is already UTF-8 JSON.
/// Implementations must be thread-safe.
/// </remarks>
public interface IWebhookEnvelopeFormatter
{
    /// <summary>Gets the name subscriptions refer to the format by (case-insensitive).</summary>
    string Name { get; }

    /// <summary>Writes the body for <paramref name="message"/>.</summary>
    /// <param name="output">Receives the body bytes.</param>
    /// <param name="message">The stored event.</param>
    void Write(IBufferWriter<byte> output, WebhookMessage message);
}
