using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Choreblimey.Webhooks;

/// <summary>Which declared events are actually published (a coverage audit), per event, per category and overall.</summary>
/// <param name="TenantId">The tenant audited, or <see langword="null"/> for every tenant.</param>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="Events">One entry per declared event, by category then name.</param>
/// <param name="Categories">Totals per category, in declaration order.</param>
public sealed record WebhookCoverageReport(
    string? TenantId,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<WebhookCoverageEntry> Events,
    IReadOnlyList<WebhookCoverageCategory> Categories)
{
    /// <summary>Gets how many events are declared.</summary>
    public int Declared => Events.Count;

    /// <summary>Gets how many declared events were published at least once.</summary>
    public int Published => Events.Count(e => e.Published > 0);

    /// <summary>Gets the published share as a whole percentage.</summary>
    public int Percent => PercentOf(Published, Declared);

    /// <summary>Gets the one-line summary, such as <c>16 of 47 events published, 34%</c>.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture, $"{Published} of {Declared} events published, {Percent}%");

    /// <summary>Renders the report as Markdown: the summary, a category table and an event table.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"# Webhook event coverage{(TenantId is null ? string.Empty : $" (tenant {TenantId})")}\n\n**{Summary}**\n\n");
        text.Append("| category | published | declared | coverage |\n|---|---:|---:|---:|\n");
        foreach (var category in Categories)
        {
            text.Append(c, $"| {Escape(category.Category)} | {category.Published} | {category.Declared} | {category.Percent}% |\n");
        }

        text.Append("\n| event | category | published | last published | active subscriptions | deliveries | success rate |\n|---|---|---:|---|---:|---:|---:|\n");
        foreach (var e in Events)
        {
            text.Append(c, $"| `{e.EventType}` | {Escape(e.Category)} | {e.Published} | {e.LastPublishedAt?.ToString("u", c) ?? "never"} | ");
            text.Append(c, $"{(e.ActiveSubscriptions is { } n ? n.ToString(c) : "—")} | {e.Deliveries} | {(e.SuccessRate is { } r ? r.ToString("P0", c) : "—")} |\n");
        }

        return text.ToString();
    }

    /// <summary>Renders the report as indented JSON (camelCase names).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("tenantId", TenantId);
            json.WriteString("generatedAt", GeneratedAt);
            json.WriteString("summary", Summary);
            json.WriteNumber("declared", Declared);
            json.WriteNumber("published", Published);
            json.WriteNumber("percent", Percent);
            json.WriteStartArray("categories");
            foreach (var category in Categories)
            {
                json.WriteStartObject();
                json.WriteString("category", category.Category);
                json.WriteNumber("declared", category.Declared);
                json.WriteNumber("published", category.Published);
                json.WriteNumber("percent", category.Percent);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("events");
            foreach (var e in Events)
            {
                json.WriteStartObject();
                json.WriteString("eventType", e.EventType);
                json.WriteString("category", e.Category);
                json.WriteNumber("published", e.Published);
                WriteOrNull(json, "lastPublishedAt", e.LastPublishedAt, static (w, n, v) => w.WriteString(n, v));
                WriteOrNull(json, "activeSubscriptions", e.ActiveSubscriptions, static (w, n, v) => w.WriteNumber(n, v));
                json.WriteNumber("deliveries", e.Deliveries);
                WriteOrNull(json, "successRate", e.SuccessRate, static (w, n, v) => w.WriteNumber(n, v));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static int PercentOf(int part, int whole) =>
        whole == 0 ? 0 : (int)Math.Round(100.0 * part / whole, MidpointRounding.AwayFromZero);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static void WriteOrNull<T>(Utf8JsonWriter json, string name, T? value, Action<Utf8JsonWriter, string, T> write)
        where T : struct
    {
        if (value is { } v)
        {
            write(json, name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
