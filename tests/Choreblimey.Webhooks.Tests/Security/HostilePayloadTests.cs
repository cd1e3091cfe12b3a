using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Choreblimey.Webhooks.Testing.Support;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>
/// Hostile payloads either publish (and are delivered as valid JSON) or fail at publish with a
/// <see cref="WebhookPayloadException"/> naming the event type; none of them stops the worker.
/// </summary>
public sealed class HostilePayloadTests : IAsyncLifetime
{
    private const string EventType = "chore:created";
    private const string Tenant = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<WebhookTestHost> StartHostAsync(int maxPayloadBytes = 256 * 1024, Action<WebhookOptions>? configure = null)
    {
        var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent(EventType, "Chores")
            .Configure(o =>
            {
                o.MaxPayloadBytes = maxPayloadBytes;
                configure?.Invoke(o);
            }));
        await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] });
        return host;
    }

    private static async Task<(WebhookPublishReceipt? Receipt, WebhookPayloadException? Error)> TryPublishAsync<T>(WebhookTestHost host, T payload)
    {
        try
        {
            return (await host.Publisher.PublishAsync(EventType, payload, tenantId: Tenant), null);
        }
        catch (WebhookPayloadException exception)
        {
            return (null, exception);
        }
    }

    private static void AssertClearError(WebhookPayloadException? error)
    {
        Assert.NotNull(error);
        Assert.Equal(EventType, error.EventType);
        Assert.Contains($"'{EventType}'", error.Message, StringComparison.Ordinal);
    }

    private async Task AssertWorkerStillDeliversAsync(WebhookTestHost host)
    {
        var receipt = await host.Publisher.PublishAsync(EventType, new { Ok = true }, tenantId: Tenant);
        await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.All(_receiver.Received, r => JsonDocument.Parse(r.Body).Dispose());
    }

    private static JsonNode NestedArrays(int depth)
    {
        JsonNode nested = JsonValue.Create("deep");
        for (var i = 0; i < depth; i++)
        {
            nested = new JsonArray(nested);
        }

        return nested;
    }

    [Fact]
    public async Task A_payload_63_levels_deep_is_delivered_in_an_envelope_default_parsers_read_and_one_level_more_fails_at_publish()
    {
        await using var host = await StartHostAsync();

        // The payload object plus 62 arrays: 63 levels, 64 inside the envelope, the most System.Text.Json reads by default.
        var (receipt, error) = await TryPublishAsync(host, new { Nested = NestedArrays(62) });
        Assert.Null(error);
        await host.WaitForDeliveryStatusAsync(Tenant, receipt!.EventId!, WebhookDeliveryStatus.Succeeded);
        using (var body = JsonDocument.Parse(Assert.Single(_receiver.Received).Body))
        {
            Assert.Equal(receipt.EventId, body.RootElement.GetProperty("id").GetString());
        }

        var (tooDeep, tooDeepError) = await TryPublishAsync(host, new { Nested = NestedArrays(63) });
        Assert.Null(tooDeep);
        AssertClearError(tooDeepError);
        Assert.Contains("63", tooDeepError!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nesting_limit_the_host_sets_itself_is_kept()
    {
        await using var host = await StartHostAsync(configure: o => o.JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) { MaxDepth = 128 });

        var (receipt, error) = await TryPublishAsync(host, new { Nested = NestedArrays(100) });

        Assert.Null(error);
        Assert.Equal(WebhookPublishStatus.Published, receipt!.Status);
    }

    [Fact]
    public async Task Nesting_10000_levels_deep_fails_at_publish_with_a_clear_error()
    {
        await using var host = await StartHostAsync();
        JsonNode node = new JsonArray();
        var innermost = (JsonArray)node;
        for (var i = 0; i < 10_000; i++)
        {
            var next = new JsonArray();
            innermost.Add(next);
            innermost = next;
        }

        Nested? chain = null;
        for (var i = 0; i < 10_000; i++)
        {
            chain = new Nested(chain);
        }

        var dictionary = new Dictionary<string, object>();
        var current = dictionary;
        for (var i = 0; i < 10_000; i++)
        {
            var child = new Dictionary<string, object>();
            current["a"] = child;
            current = child;
        }

        AssertClearError((await TryPublishAsync(host, node)).Error);
        AssertClearError((await TryPublishAsync(host, chain)).Error);
        AssertClearError((await TryPublishAsync(host, dictionary)).Error);
        await AssertWorkerStillDeliversAsync(host);
    }

    [Fact]
    public async Task A_1_MB_string_is_refused_over_the_limit_and_delivered_under_a_raised_one()
    {
        var big = new string('é', 1024 * 1024);
        await using (var host = await StartHostAsync())
        {
            var (_, error) = await TryPublishAsync(host, new { Text = big });

            AssertClearError(error);
            Assert.Contains("WebhookOptions.MaxPayloadBytes", error!.Message, StringComparison.Ordinal);
        }

        await using (var host = await StartHostAsync(maxPayloadBytes: 8 * 1024 * 1024))
        {
            var (receipt, _) = await TryPublishAsync(host, new { Text = big });

            Assert.NotNull(receipt);
            await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
            using var document = JsonDocument.Parse(_receiver.Received.Single().Body);
            Assert.Equal(big, document.RootElement.GetProperty("data").GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task Control_characters_are_escaped_and_round_trip()
    {
        await using var host = await StartHostAsync();
        var text = new string(Enumerable.Range(0, 32).Select(i => (char)i).Append('\u007f').Append('\u2028').Append('"').Append('\\').ToArray());

        var (receipt, error) = await TryPublishAsync(host, new { Text = text });

        Assert.Null(error);
        await host.WaitForDeliveryStatusAsync(Tenant, receipt!.EventId!, WebhookDeliveryStatus.Succeeded);
        var body = _receiver.Received.Single().Body;
        Assert.DoesNotContain(body, b => b < 0x20);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(text, document.RootElement.GetProperty("data").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("D800")]
    [InlineData("DFFF")]
    [InlineData("0061 D800 0062")]
    [InlineData("DC00 D800")]
    public async Task Lone_surrogates_give_a_clear_error_or_valid_json(string codeUnits)
    {
        var text = new string(codeUnits.Split(' ').Select(u => (char)Convert.ToUInt16(u, 16)).ToArray());
        await using var host = await StartHostAsync();

        var (receipt, error) = await TryPublishAsync(host, new { Text = text });

        if (error is not null)
        {
            AssertClearError(error);
        }
        else
        {
            await host.WaitForDeliveryStatusAsync(Tenant, receipt!.EventId!, WebhookDeliveryStatus.Succeeded);
            var body = _receiver.Received.Single().Body;
            Assert.True(IsValidUtf8(body));
            JsonDocument.Parse(body).Dispose();
        }

        await AssertWorkerStillDeliversAsync(host);
    }

    [Fact]
    public async Task Arbitrary_hostile_strings_at_arbitrary_depths_publish_as_valid_json_or_fail_clearly_and_never_stop_the_worker()
    {
        await using var host = await StartHostAsync(maxPayloadBytes: 64 * 1024);
        var hostileChars = Gen.OneOf(
            Gen.Choose(0, 0x1f).Select(c => (char)c),
            Gen.Choose(0xd800, 0xdfff).Select(c => (char)c),
            Gen.Elements('"', '\\', '<', '>', '&', '\'', '\u007f', '\u2028', '\u2029', '\ufeff', '\uffff'),
            Gen.Choose(0x20, 0x7e).Select(c => (char)c),
            Gen.Choose(0x80, 0xffff).Select(c => (char)c));
        // Each case is a hostile string, nested in arrays to a depth that is sometimes past the serializer's limit.
        var cases =
            from length in Gen.Frequency((9, Gen.Choose(0, 256)), (1, Gen.Choose(30_000, 70_000)))
            from chars in Gen.ArrayOf(hostileChars, length)
            from depth in Gen.Frequency((7, Gen.Choose(0, 8)), (3, Gen.Choose(50, 400)))
            select (Text: new string(chars), Depth: depth);
        var published = 0;
        var refused = 0;

        await Task.Run(() => Prop.ForAll(Arb.From(cases), hostile =>
        {
            var (text, depth) = hostile;
            JsonNode nested = JsonValue.Create(text);
            for (var i = 0; i < depth; i++)
            {
                nested = new JsonArray(nested);
            }

            var (receipt, error) = TryPublishAsync(host, new { Text = text, Nested = nested }).GetAwaiter().GetResult();
            if (receipt is not null)
            {
                Interlocked.Increment(ref published);
                return receipt.Status == WebhookPublishStatus.Published;
            }

            Interlocked.Increment(ref refused);
            return error is not null && error.EventType == EventType && error.Message.Contains($"'{EventType}'", StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure());

        // Both ends were exercised: some cases were delivered, some (too deep, or too large) were refused at publish.
        Assert.True(published > 0);
        Assert.True(refused > 0);
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var page = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, Status = WebhookDeliveryStatus.Succeeded, Limit = 1000 });
            return page.Items.Count >= published;
        }, $"{published} deliveries to succeed", TimeSpan.FromSeconds(30));
        await AssertWorkerStillDeliversAsync(host);
    }

    private static bool IsValidUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private sealed class Nested(Nested? child)
    {
        public Nested? Child { get; } = child;
    }
}
