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
    private const string ExampleEventId = "msg_2x4Yexample0000000000000000";
    private const string ExampleTimestamp = "2026-01-01T09:00:00Z";

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

    /// <summary>Builds the contract of every declared event, for the default envelope and Standard Webhooks signatures.</summary>
    /// <param name="title">The contract's title, usually the host's name.</param>
    /// <returns>The contract.</returns>
    public WebhookContract Export(string title) => Export(title, WebhookSignatureProfile.Standard);

    /// <summary>
    /// Builds the contract of every declared event as a receiver sees it with a given signature profile and envelope
    /// (for example <see cref="WebhookSignatureProfile.Choreblimey"/>, or the <c>make</c> envelope of 4AS).
    /// </summary>
    /// <param name="title">The contract's title, usually the host's name.</param>
    /// <param name="signatureProfile">The signature profile the receiver's subscription uses.</param>
    /// <param name="envelope">The envelope: <see cref="WebhookEnvelopeFormats.Default"/> or <see cref="WebhookEnvelopeFormats.Make"/>.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="ArgumentException">The envelope is a custom one, which the exporter cannot describe.</exception>
    public WebhookContract Export(string title, WebhookSignatureProfile signatureProfile, string envelope = WebhookEnvelopeFormats.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(signatureProfile);
        ArgumentNullException.ThrowIfNull(envelope);
        var make = envelope switch
        {
            WebhookEnvelopeFormats.Default => false,
            WebhookEnvelopeFormats.Make => true,
            _ => throw new ArgumentException(
                $"The contract exporter describes the '{WebhookEnvelopeFormats.Default}' and '{WebhookEnvelopeFormats.Make}' envelopes; '{envelope}' is a custom one.",
                nameof(envelope)),
        };

        var events = new List<WebhookEventContract>(_registry.Count);
        foreach (var definition in _registry)
        {
            events.Add(ExportEvent(definition, make));
        }

        return new WebhookContract { Title = title, Events = events, Headers = HeadersFor(signatureProfile), Envelope = envelope };
    }

    /// <summary>Gets the headers a receiver sees with <paramref name="profile"/>.</summary>
    /// <param name="profile">The signature profile.</param>
    /// <returns>The headers, with what each one means.</returns>
    public static IReadOnlyList<WebhookContractHeader> HeadersFor(WebhookSignatureProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var standard = profile.Scheme == WebhookSignatureScheme.StandardWebhooks;
        if (standard && string.Equals(profile.SignatureHeader, WebhookHeaders.Signature, StringComparison.OrdinalIgnoreCase)
            && profile.IdHeader is null && profile.SubscriptionIdHeader is null && profile.EventTypeHeader is null)
        {
            return StandardHeaders;
        }

        // A custom profile on the Standard Webhooks scheme may rename the signature header and add the extra ones.
        var headers = standard
            ? new List<WebhookContractHeader> { StandardHeaders[0], StandardHeaders[1], new(profile.SignatureHeader, StandardHeaders[2].Description) }
            : [new(profile.SignatureHeader, $"'{profile.SignaturePrefix}<hex>': lower-case hex HMAC-SHA256 of the raw body, keyed with your secret (the bytes after base64-decoding a whsec_ secret, or the UTF-8 bytes of a plain-text secret). During a secret rotation several entries are sent, comma-separated; accept when any matches (constant-time compare).")];
        if (profile.IdHeader is { } idHeader)
        {
            headers.Add(new(idHeader, "The event id; the same on every retry."));
        }

        if (profile.SubscriptionIdHeader is { } subscriptionIdHeader)
        {
            headers.Add(new(subscriptionIdHeader, "The id of the webhook (subscription) that sent this delivery; the same for every event it receives."));
        }

        if (profile.EventTypeHeader is { } eventTypeHeader)
        {
            headers.Add(new(eventTypeHeader, "The event type."));
        }

        if (!standard)
        {
            headers.Add(new(WebhookHeaders.Id, "The event id, also sent with this profile; dedupe on it: delivery is at least once."));
            headers.Add(new(WebhookHeaders.Timestamp, "When this attempt was sent, in seconds since the Unix epoch (not covered by this profile's signature)."));
        }

        return headers;
    }

    /// <summary>Builds the JSON Schema of one payload type.</summary>
    /// <param name="payloadType">The payload's CLR type.</param>
    /// <returns>The schema.</returns>
    public JsonNode GetPayloadSchema(Type payloadType)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        return _serializerOptions.GetJsonSchemaAsNode(payloadType, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
    }

    private WebhookEventContract ExportEvent(WebhookEventDefinition definition, bool make)
    {
        JsonNode payloadSchema = definition.PayloadType is { } type ? GetPayloadSchema(type) : JsonValue.Create(true);
        var (envelopeSchema, example) = make ? MakeEnvelope(definition, payloadSchema) : DefaultEnvelope(definition, payloadSchema);

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

    private static (JsonObject Schema, JsonObject Example) DefaultEnvelope(WebhookEventDefinition definition, JsonNode payloadSchema)
    {
        var schema = new JsonObject
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
            ["id"] = ExampleEventId,
            ["type"] = definition.Name,
            ["timestamp"] = ExampleTimestamp,
            ["tenant"] = "tenant-1",
            ["actor"] = "user-1",
            ["data"] = WebhookSchemaExample.Create(payloadSchema, null, depth: 0),
        };
        return (schema, example);
    }

    private static (JsonObject Schema, JsonObject Example) MakeEnvelope(WebhookEventDefinition definition, JsonNode payloadSchema)
    {
        var schema = new JsonObject
        {
            ["$schema"] = SchemaDialect,
            ["title"] = definition.Name,
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string", ["const"] = definition.Name },
                ["payload"] = payloadSchema.DeepClone(),
                ["event_id"] = new JsonObject { ["type"] = "string", ["description"] = "The event id; the same on every retry." },
                ["sent_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the event was published (UTC); the same on every retry." },
            },
            ["required"] = new JsonArray("type", "payload", "event_id", "sent_at"),
        };
        var example = new JsonObject
        {
            ["type"] = definition.Name,
            ["payload"] = WebhookSchemaExample.Create(payloadSchema, null, depth: 0),
            ["event_id"] = ExampleEventId,
            ["sent_at"] = ExampleTimestamp,
        };
        return (schema, example);
    }

    private static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node, WebhookContractJsonContext.Default.JsonNode);
}
