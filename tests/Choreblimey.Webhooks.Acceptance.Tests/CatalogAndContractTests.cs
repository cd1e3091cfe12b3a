using System.Text.Json;

namespace Choreblimey.Webhooks.Acceptance.Tests;

public sealed class CatalogAndContractTests
{
    [Theory]
    [MemberData(nameof(Catalogs.Hosts), MemberType = typeof(Catalogs))]
    public void Each_catalog_declares_the_hosts_events_with_their_categories_and_a_distinct_payload_type(string host)
    {
        var registry = Catalogs.Registry(host, out _);

        Assert.Equal(Catalogs.All[host].Events, registry.Select(e => (e.Name, e.Category)));
        Assert.All(registry, e => Assert.NotNull(e.PayloadType));
        Assert.All(registry, e => Assert.False(string.IsNullOrWhiteSpace(e.Description)));
        Assert.Equal(registry.Count, registry.Select(e => e.PayloadType).Distinct().Count());
    }

    [Fact]
    public void The_catalogs_have_24_11_20_47_and_22_events()
    {
        Assert.Equal([24, 11, 20, 47, 22], Catalogs.All.Keys.Select(h => Catalogs.Registry(h, out _).Count));
    }

    [Theory]
    [MemberData(nameof(Catalogs.Hosts), MemberType = typeof(Catalogs))]
    public void Every_example_validates_against_its_schema(string host)
    {
        Catalogs.Registry(host, out var exporter);
        var contract = exporter.Export(Catalogs.All[host].Title);

        Assert.All(contract.Events, e =>
        {
            Assert.Empty(SchemaValidator.Validate(e.EnvelopeSchema, e.ExampleEnvelope));
            Assert.Empty(SchemaValidator.Validate(e.PayloadSchema, e.ExampleEnvelope.GetProperty("data")));
            Assert.Equal(e.Name, e.ExampleEnvelope.GetProperty("type").GetString());
        });
    }

    [Theory]
    [MemberData(nameof(Catalogs.Hosts), MemberType = typeof(Catalogs))]
    public void Every_catalogs_payloads_carry_identifiers_not_PII(string host) =>
        PiiCheck.AssertCatalogCarriesIdentifiersNotPii(host);

    [Fact]
    public void The_PII_check_catches_personal_data_and_free_form_carriers()
    {
        Assert.Equal(
            [
                "LeakyPayload.ContactEmail: the name suggests personal data",
                "LeakyPayload.Url: free-form url can carry personal data; send identifiers or codes",
                "LeakyPayload.Link: a URL can carry personal data in its query; send a route template or an id",
                "LeakyPayload.Stack: free-form stack can carry personal data; send identifiers or codes",
                "LeakyPayload.Extra: an open IReadOnlyDictionary`2 can carry anything; give it a type of identifiers",
            ],
            PiiCheck.SuspectProperties(typeof(LeakyPayload)));

        // 4AS's error webhook has these by name, so its payload carries them (documenting what to send in them); the check
        // names them all, and lets exactly them through for 4AS's catalog.
        Assert.Equal(
            [
                "ErrorOccurred.UserEmail: the name suggests personal data",
                "ErrorOccurred.Url: free-form url can carry personal data; send identifiers or codes",
                "ErrorOccurred.Stack: free-form stack can carry personal data; send identifiers or codes",
                "ErrorOccurred.Context: free-form context can carry personal data; send identifiers or codes",
            ],
            PiiCheck.SuspectProperties(typeof(Choreblimey.Webhooks.Catalogs.FourAs.ErrorOccurred)));
        Assert.Equal(["ErrorOccurred.UserEmail", "ErrorOccurred.Url", "ErrorOccurred.Stack", "ErrorOccurred.Context"], PiiCheck.AskedForByHost["fouras"]);
        using var example = JsonDocument.Parse("""{"data":{"orderId":"order-1","note":"call +44 7700 900123","items":[{"by":"ann@example.com"}],"at":"2026-03-02T16:00:00Z"}}""");
        Assert.Equal(
            ["x example.data.note: 'call +44 7700 900123' looks like personal data", "x example.data.items[0].by: 'ann@example.com' looks like personal data"],
            PiiCheck.SuspectValues("x", example.RootElement));
    }

    private sealed record LeakyPayload(string OrderId, string EmailId, string ContactEmail, string? Url, Uri? Link, string? Stack, IReadOnlyDictionary<string, string>? Extra);

    [Fact]
    public void The_4AS_contract_describes_the_Make_envelope_and_its_examples_validate()
    {
        Catalogs.Registry("fouras", out var exporter);
        var contract = exporter.Export("4AS", WebhookSignatureProfile.Standard, WebhookEnvelopeFormats.Make);

        Assert.Equal(WebhookEnvelopeFormats.Make, contract.Envelope);
        Assert.All(contract.Events, e =>
        {
            Assert.Equal(["type", "payload", "event_id", "sent_at"], e.ExampleEnvelope.EnumerateObject().Select(p => p.Name));
            Assert.Empty(SchemaValidator.Validate(e.EnvelopeSchema, e.ExampleEnvelope));
            Assert.Empty(SchemaValidator.Validate(e.PayloadSchema, e.ExampleEnvelope.GetProperty("payload")));
        });
        var markdown = contract.ToMarkdown();
        Assert.Contains("`{ type, payload, event_id, sent_at }`", markdown, StringComparison.Ordinal);
        Assert.Contains("Payload schema (`payload`)", markdown, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => exporter.Export("4AS", WebhookSignatureProfile.Standard, "my-custom-envelope"));
    }

    [Fact]
    public void The_Choreblimey_contract_names_the_X_Choreblimey_Signature_header_when_that_profile_is_used()
    {
        Catalogs.Registry("choreblimey", out var exporter);
        var contract = exporter.Export("Choreblimey", WebhookSignatureProfile.Choreblimey);

        var signature = Assert.Single(contract.Headers, h => h.Name == "X-Choreblimey-Signature");
        Assert.Contains("'sha256=<hex>'", signature.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(contract.Headers, h => h.Name == WebhookHeaders.Signature);
        Assert.Contains(contract.Headers, h => h.Name == WebhookHeaders.Id);
        Assert.Contains("X-Choreblimey-Signature", contract.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains(WebhookContractExporter.HeadersFor(WebhookSignatureProfile.Jossiedb), h => h.Name == "X-Event-Type");
        var webhookId = Assert.Single(WebhookContractExporter.HeadersFor(WebhookSignatureProfile.Jossiedb), h => h.Name == "X-Webhook-ID");
        Assert.Contains("subscription", webhookId.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_rejects_an_example_that_breaks_the_schema()
    {
        Catalogs.Registry("fouras", out var exporter);
        var booking = exporter.Export("4AS").Events.Single(e => e.Name == "booking.created");
        var broken = JsonDocument.Parse(booking.ExampleEnvelope.GetRawText().Replace("\"order_id\"", "\"order\"", StringComparison.Ordinal)).RootElement;

        Assert.Contains(SchemaValidator.Validate(booking.EnvelopeSchema, broken), e => e.Contains("'order_id' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Schemas_use_the_publishers_serializer_options()
    {
        Catalogs.Registry("fouras", out var camel);
        var snake = new WebhookContractExporter(
            Catalogs.Registry("fouras", out _),
            new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

        JsonElement Properties(WebhookContractExporter exporter, string eventType) =>
            exporter.Export("4AS").Events.Single(e => e.Name == eventType).PayloadSchema.GetProperty("properties");

        Assert.True(Properties(camel, "booking.cancelled").TryGetProperty("originalStartAt", out _));
        Assert.True(Properties(snake, "booking.cancelled").TryGetProperty("original_start_at", out _));

        // A payload that names its properties (4AS's booking.created, as its own BookingCreatedPayload) keeps those names under any policy.
        foreach (var exporter in new[] { camel, snake })
        {
            var booking = Properties(exporter, "booking.created");
            Assert.True(booking.TryGetProperty("subtotal_cad", out _));
            Assert.True(booking.GetProperty("items").GetProperty("items").GetProperty("properties").TryGetProperty("duration_min", out _));
        }
    }

    [Fact]
    public void The_Choreblimey_Markdown_lists_all_24_events_and_the_headers_to_verify()
    {
        Catalogs.Registry("choreblimey", out var exporter);
        var markdown = exporter.Export("Choreblimey").ToMarkdown();

        Assert.All(HostData.ChoreblimeyEvents, e => Assert.Contains($"### `{e.Name}`", markdown, StringComparison.Ordinal));
        Assert.All(HostData.ChoreblimeyEvents, e => Assert.Contains($"| `{e.Name}` | {e.Category} |", markdown, StringComparison.Ordinal));
        Assert.Contains("## Events (24)", markdown, StringComparison.Ordinal);
        Assert.Contains("| `webhook-id` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `webhook-timestamp` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `webhook-signature` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_JSON_contract_round_trips_with_every_event_schema_and_example()
    {
        Catalogs.Registry("dotmac", out var exporter);
        using var json = JsonDocument.Parse(exporter.Export("DotMac platform").ToJson());

        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(47, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal(JsonValueKind.Object, e.GetProperty("payloadSchema").ValueKind);
            Assert.Empty(SchemaValidator.Validate(e.GetProperty("envelopeSchema"), e.GetProperty("example")));
        });
        Assert.Equal(["webhook-id", "webhook-timestamp", "webhook-signature"], json.RootElement.GetProperty("headers").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
    }
}
