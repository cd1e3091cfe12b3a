using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Choreblimey.Webhooks;

/// <summary>Writes a <see cref="WebhookContract"/> as indented JSON.</summary>
internal static class WebhookContractJsonWriter
{
    public static string Write(WebhookContract contract)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("title", contract.Title);
            writer.WriteString("envelope", contract.Envelope);
            writer.WriteStartArray("headers");
            foreach (var header in contract.Headers)
            {
                writer.WriteStartObject();
                writer.WriteString("name", header.Name);
                writer.WriteString("description", header.Description);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("events");
            foreach (var item in contract.Events)
            {
                writer.WriteStartObject();
                writer.WriteString("name", item.Name);
                writer.WriteString("category", item.Category);
                if (item.Description is not null)
                {
                    writer.WriteString("description", item.Description);
                }

                writer.WriteNumber("version", item.Version);
                if (item.IsDeprecated)
                {
                    writer.WriteBoolean("deprecated", true);
                    if (item.DeprecationMessage is not null)
                    {
                        writer.WriteString("deprecationMessage", item.DeprecationMessage);
                    }
                }

                writer.WritePropertyName("payloadSchema");
                item.PayloadSchema.WriteTo(writer);
                writer.WritePropertyName("envelopeSchema");
                item.EnvelopeSchema.WriteTo(writer);
                writer.WritePropertyName("example");
                item.ExampleEnvelope.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static string Indented(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
