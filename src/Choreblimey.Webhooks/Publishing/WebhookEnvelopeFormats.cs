namespace Choreblimey.Webhooks;

/// <summary>The names of the built-in envelope formats.</summary>
public static class WebhookEnvelopeFormats
{
    /// <summary>The default envelope: <c>{ "id", "type", "timestamp", "tenant", "actor", "data" }</c> (see <see cref="WebhookEnvelope{TData}"/>).</summary>
    public const string Default = "default";

    /// <summary>
    /// The Make.com-style envelope used by 4AS: <c>{ "type", "payload", "event_id", "sent_at" }</c>, where <c>sent_at</c> is the
    /// time the event was published (not the attempt time), so retries send identical bytes.
    /// </summary>
    public const string Make = "make";
}
