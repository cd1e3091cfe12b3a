using System.Buffers;
using System.Text.Json;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>The <see cref="WebhookEnvelopeFormats.Make"/> envelope: <c>{ type, payload, event_id, sent_at }</c>.</summary>
internal sealed class MakeEnvelopeFormatter : IWebhookEnvelopeFormatter
{
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText PayloadName = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText SentAtName = JsonEncodedText.Encode("sent_at");

    public string Name => WebhookEnvelopeFormats.Make;

    public void Write(IBufferWriter<byte> output, WebhookMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString(TypeName, message.EventType);
        writer.WritePropertyName(PayloadName);
        writer.WriteRawValue(message.Data.Span, skipInputValidation: true);
        writer.WriteString(EventIdName, message.Id);
        writer.WriteString(SentAtName, message.Timestamp.UtcDateTime);
        writer.WriteEndObject();
        writer.Flush();
    }
}
