using System.Text;
using System.Text.Json;
using Choreblimey.Webhooks.Publishing.Internal;

namespace Choreblimey.Webhooks.Tests.Publishing;

public sealed class WebhookEnvelopeWriterTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static WebhookMessage Message(string data, string tenant = "family-1", string? actor = null, string id = "msg_01", string type = "booking.created") => new()
    {
        Id = id,
        TenantId = tenant,
        EventType = type,
        Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)),
        Actor = actor,
        Data = Encoding.UTF8.GetBytes(data),
    };

    private static string Write(WebhookMessage message) => Encoding.UTF8.GetString(WebhookEnvelopeWriter.ToArray(message));

    [Fact]
    public void Writes_the_exact_envelope_in_order_with_data_raw()
    {
        const string data = """{"booking":{"id":"b1","slots":[1,2,{"at":null}]},"note":"x"}""";

        var json = Write(Message(data, actor: "parent-7"));

        Assert.Equal(
            """{"id":"msg_01","type":"booking.created","timestamp":"2026-01-02T01:04:05.678Z","tenant":"family-1","actor":"parent-7","data":""" + data + "}",
            json);
    }

    [Fact]
    public void Property_order_is_id_type_timestamp_tenant_actor_data()
    {
        using var document = JsonDocument.Parse(Write(Message("""{"a":1}""")));

        Assert.Equal(
            ["id", "type", "timestamp", "tenant", "actor", "data"],
            document.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_default_tenant_and_a_missing_actor_are_null()
    {
        using var document = JsonDocument.Parse(Write(Message("""{"a":1}""", tenant: "", actor: null)));
        var root = document.RootElement;

        Assert.Equal(JsonValueKind.Null, root.GetProperty("tenant").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("actor").ValueKind);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("[1,{\"x\":[]}]")]
    [InlineData("null")]
    [InlineData("{\"deep\":{\"deeper\":{\"deepest\":\"\\u00e9\\\"\"}}}")]
    public void Data_is_written_byte_for_byte(string data)
    {
        var json = Write(Message(data));

        Assert.EndsWith(",\"data\":" + data + "}", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(data, document.RootElement.GetProperty("data").GetRawText());
    }

    [Fact]
    public void Timestamp_is_iso_8601_utc_ending_in_z()
    {
        var message = Message("{}") with { Timestamp = new DateTimeOffset(2026, 7, 1, 23, 30, 0, TimeSpan.FromHours(-5)) };

        using var document = JsonDocument.Parse(Write(message));
        var timestamp = document.RootElement.GetProperty("timestamp").GetString()!;

        Assert.Equal("2026-07-02T04:30:00Z", timestamp);
        Assert.Equal(message.Timestamp, DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Special_characters_in_id_type_tenant_and_actor_are_escaped()
    {
        const string id = "msg_\"quoted\"\\slash";
        const string type = "chore:<created>&\"x\"";
        const string actor = "line1\nline2\t\"tab\"\u2028é\u0001";
        const string tenant = "t\"1</script>";

        var json = Write(Message("""{"ok":true}""", tenant: tenant, actor: actor, id: id, type: type));

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\t', json);
        Assert.DoesNotContain('\u0001', json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetString());
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.Equal(tenant, root.GetProperty("tenant").GetString());
        Assert.Equal(actor, root.GetProperty("actor").GetString());
        Assert.True(root.GetProperty("data").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public void Receivers_can_deserialise_the_envelope_type()
    {
        var json = Write(Message("""{"choreId":"c1"}""", actor: "a1"));

        var envelope = JsonSerializer.Deserialize<WebhookEnvelope<ChorePayload>>(json, Web)!;

        Assert.Equal("msg_01", envelope.Id);
        Assert.Equal("booking.created", envelope.Type);
        Assert.Equal("family-1", envelope.Tenant);
        Assert.Equal("a1", envelope.Actor);
        Assert.Equal("c1", envelope.Data.ChoreId);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 1, 4, 5, 678, TimeSpan.Zero), envelope.Timestamp);
    }

    private sealed record ChorePayload(string ChoreId);
}
