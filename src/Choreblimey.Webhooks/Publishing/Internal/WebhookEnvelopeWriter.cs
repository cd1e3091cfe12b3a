using System.Buffers;
using System.Text.Json;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// Writes the default envelope around the payload bytes that were serialised once at publish, so every retry sends the same bytes.
/// </summary>
internal static class WebhookEnvelopeWriter
{
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText TenantName = JsonEncodedText.Encode("tenant");
    private static readonly JsonEncodedText ActorName = JsonEncodedText.Encode("actor");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");

    /// <summary>The options of the writers the envelope is written with.</summary>
    public static JsonWriterOptions Options => new() { SkipValidation = true };

    public static void Write(IBufferWriter<byte> output, WebhookMessage message)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, message);
    }

    /// <summary>Writes the envelope with a writer set onto its output (fresh or <see cref="Utf8JsonWriter.Reset(IBufferWriter{byte})"/>), and flushes it.</summary>
    public static void Write(Utf8JsonWriter writer, WebhookMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString(IdName, message.Id);
        writer.WriteString(TypeName, message.EventType);
        writer.WriteString(TimestampName, message.Timestamp.UtcDateTime);
        if (message.TenantId.Length == 0)
        {
            writer.WriteNull(TenantName);
        }
        else
        {
            writer.WriteString(TenantName, message.TenantId);
        }

        if (message.Actor is null)
        {
            writer.WriteNull(ActorName);
        }
        else
        {
            writer.WriteString(ActorName, message.Actor);
        }

        writer.WritePropertyName(DataName);
        writer.WriteRawValue(message.Data.Span, skipInputValidation: true);
        writer.WriteEndObject();
        writer.Flush();
    }

    public static byte[] ToArray(WebhookMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Data.Length + 256);
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }
}
