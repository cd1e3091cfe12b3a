using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Choreblimey.Webhooks;

/// <summary>
/// Builds the partner contract from the event registry: a JSON Schema per event, generated from its payload type with
/// <see cref="JsonSchemaExporter"/> and the serialiser options payloads are published with, and an example envelope.
/// </summary>
public sealed class WebhookContractExporter
{
    private const string SchemaDialect = "https://json-schema.org/draft/2020-12/schema";
    private static readonly DateTimeOffset ExampleTime = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly IWebhookEventRegistry _registry;
    private readonly JsonSerializerOptions _serializerOptions;

    /// <summary>Creates an exporter.</summary>
    /// <param name="registry">The declared events.</param>
    /// <param name="serializerOptions">The options payloads are serialised with (<see cref="WebhookOptions.JsonSerializerOptions"/>); web defaults when omitted.</param>
    public WebhookContractExporter(IWebhookEventRegistry registry, JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        // A copy, so schema generation never freezes (or is affected by later changes to) the publisher's options.
        _serializerOptions = new JsonSerializerOptions(serializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
        _serializerOptions.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
        // The contract describes what is sent: numbers are written as numbers even when the options also read them from strings.
        _serializerOptions.NumberHandling &= ~JsonNumberHandling.AllowReadingFromString;
        _serializerOptions.MakeReadOnly();
    }

    /// <summary>Gets the headers of every delivery (Standard Webhooks).</summary>
    public static IReadOnlyList<WebhookContractHeader> StandardHeaders { get; } =
    [
        new(WebhookHeaders.Id, "The event id; the same as the body's id and on every retry. Dedupe on it: delivery is at least once."),
        new(WebhookHeaders.Timestamp, "When this attempt was signed, in seconds since the Unix epoch. Reject values far from your clock (5 minutes) to stop replays."),
        new(
            WebhookHeaders.Signature,
            "Space-separated 'v1,<base64>' signatures: HMAC-SHA256 with the key of your whsec_ secret over '<webhook-id>.<webhook-timestamp>.<raw body>'. Accept when any matches (constant-time compare)."),
    ];

    /// <summary>Builds the contract of every declared event.</summary>
    /// <param name="title">The contract's title, usually the host's name.</param>
    /// <returns>The contract.</returns>
    public WebhookContract Export(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var events = new List<WebhookEventContract>(_registry.Count);
        foreach (var definition in _registry)
        {
            events.Add(ExportEvent(definition));
        }

        return new WebhookContract { Title = title, Events = events, Headers = StandardHeaders };
    }

    /// <summary>Builds the JSON Schema of one payload type.</summary>
    /// <param name="payloadType">The payload's CLR type.</param>
    /// <returns>The schema.</returns>
    public JsonNode GetPayloadSchema(Type payloadType)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        return _serializerOptions.GetJsonSchemaAsNode(payloadType, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
    }

    private WebhookEventContract ExportEvent(WebhookEventDefinition definition)
    {
        JsonNode payloadSchema = definition.PayloadType is { } type ? GetPayloadSchema(type) : JsonValue.Create(true);
        var envelopeSchema = new JsonObject
        {
            ["$schema"] = SchemaDialect,
            ["title"] = definition.Name,
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["description"] = "The event id; equals the webhook-id header." },
                ["type"] = new JsonObject { ["type"] = "string", ["const"] = definition.Name },
                ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the event was published (UTC)." },
                ["tenant"] = new JsonObject { ["type"] = new JsonArray("string", "null"), ["description"] = "The tenant the event belongs to." },
                ["actor"] = new JsonObject { ["type"] = new JsonArray("string", "null"), ["description"] = "Who caused the event, if known." },
                ["data"] = payloadSchema.DeepClone(),
            },
            ["required"] = new JsonArray("id", "type", "timestamp", "tenant", "actor", "data"),
        };

        var example = new JsonObject
        {
            ["id"] = "msg_2x4Yexample0000000000000000",
            ["type"] = definition.Name,
            ["timestamp"] = ExampleTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["tenant"] = "tenant-1",
            ["actor"] = "user-1",
            ["data"] = WebhookSchemaExample.Create(payloadSchema, null, depth: 0),
        };

        if (payloadSchema is JsonObject payloadObject)
        {
            payloadObject.Insert(0, "$schema", SchemaDialect);
            payloadObject.Insert(1, "title", definition.Name + " payload");
        }

        return new WebhookEventContract
        {
            Name = definition.Name,
            Category = definition.Category,
            Description = definition.Description,
            Version = definition.Version,
            IsDeprecated = definition.IsDeprecated,
            DeprecationMessage = definition.DeprecationMessage,
            PayloadSchema = ToElement(payloadSchema),
            EnvelopeSchema = ToElement(envelopeSchema),
            ExampleEnvelope = ToElement(example),
        };
    }

    private static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node, WebhookContractJsonContext.Default.JsonNode);
}
