using System.Globalization;
using System.Text;

namespace Choreblimey.Webhooks;

/// <summary>Writes a <see cref="WebhookContract"/> as Markdown.</summary>
internal static class WebhookContractMarkdownWriter
{
    public static string Write(WebhookContract contract)
    {
        var make = contract.Envelope == WebhookEnvelopeFormats.Make;
        var payloadField = make ? "payload" : "data";
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {contract.Title} webhooks").Append('\n').Append('\n');
        md.Append("Every event is delivered as an HTTP `POST` with a JSON body (`Content-Type: application/json`): ")
            .Append(make ? "`{ type, payload, event_id, sent_at }`" : "`{ id, type, timestamp, tenant, actor, data }`")
            .Append(CultureInfo.InvariantCulture, $", where `{payloadField}` is the event's payload. ")
            .Append("Answer `2xx` quickly; anything else (or no answer) is retried with backoff, so delivery is at least once.\n\n");
        md.Append("## Headers to verify\n\n| header | meaning |\n|---|---|\n");
        foreach (var header in contract.Headers)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{header.Name}` | {Cell(header.Description)} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## Events ({contract.Events.Count})\n\n| event | category | description |\n|---|---|---|\n");
        foreach (var item in contract.Events)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{item.Name}` | {Cell(item.Category)} | {Cell(item.Description ?? string.Empty)} |\n");
        }

        foreach (var category in contract.Events.GroupBy(e => e.Category, StringComparer.Ordinal))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {category.Key}\n");
            foreach (var item in category)
            {
                md.Append(CultureInfo.InvariantCulture, $"\n### `{item.Name}`\n\n");
                if (item.Description is not null)
                {
                    md.Append(item.Description).Append("\n\n");
                }

                if (item.IsDeprecated)
                {
                    md.Append("**Deprecated.** ").Append(item.DeprecationMessage).Append("\n\n");
                }

                md.Append(CultureInfo.InvariantCulture, $"Payload schema (`{payloadField}`):\n\n```json\n").Append(WebhookContractJsonWriter.Indented(item.PayloadSchema)).Append("\n```\n\n");
                md.Append("Example body:\n\n```json\n").Append(WebhookContractJsonWriter.Indented(item.ExampleEnvelope)).Append("\n```\n");
            }
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
