using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>Signature profiles and envelope formats selected per subscription, observed on a real receiver.</summary>
public sealed class ProfileAndEnvelopeDeliveryTests : IAsyncLifetime
{
    private const string PlainSecret = "jossiedb-shared-secret-0123456789";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync(Action<IWebhooksBuilder>? configure = null) =>
        WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("item.low_stock", "Inventory");
            webhooks.AddEvent("booking.rescheduled", "Bookings");
            configure?.Invoke(webhooks);
        });

    private static string Hex(byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(PlainSecret), body));

    [Theory]
    [InlineData("jossiedb", "x-webhook-signature", "")]
    [InlineData("choreblimey", "x-choreblimey-signature", "sha256=")]
    [InlineData("github", "x-hub-signature-256", "sha256=")]
    public async Task Hex_profiles_send_their_headers_and_a_verifiable_signature(string profileName, string header, string prefix)
    {
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(null, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["item.*"],
            Secret = PlainSecret,
            SignatureProfile = profileName,
        });

        var receipt = await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk", Stock = 2 });

        await _receiver.WaitForCountAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal(prefix + Hex(request.Body), request.Header(header));
        Assert.Null(request.Header("webhook-signature"));
        Assert.Equal(receipt.EventId, request.Header("webhook-id"));
        var profile = WebhookSignatureProfile.BuiltIn.Single(p => p.Name == profileName);
        Assert.True(new WebhookVerifier().Verify(profile, request.Body, request.Header, [WebhookSecret.Parse(PlainSecret)]).IsValid);
        if (profile.IdHeader is not null)
        {
            Assert.Equal(receipt.EventId, request.Header(profile.IdHeader));
        }

        if (profile.SubscriptionIdHeader is not null)
        {
            Assert.Equal(subscription.Id, request.Header(profile.SubscriptionIdHeader));
        }

        if (profile.EventTypeHeader is not null)
        {
            Assert.Equal("item.low_stock", request.Header(profile.EventTypeHeader));
        }
    }

    [Fact]
    public async Task A_custom_profile_is_selectable_by_name()
    {
        await using var host = await StartHostAsync(w => w.AddSignatureProfile(new WebhookSignatureProfile
        {
            Name = "acme",
            Scheme = WebhookSignatureScheme.HmacSha256Hex,
            SignatureHeader = "X-Acme-Sig",
            SignaturePrefix = "v=",
        }));
        await host.Subscriptions.CreateAsync(null, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["*"],
            Secret = PlainSecret,
            SignatureProfile = "ACME",
        });

        await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk" });

        await _receiver.WaitForCountAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("v=" + Hex(request.Body), request.Header("x-acme-sig"));
    }

    [Fact]
    public async Task The_make_envelope_is_identical_across_retries_and_sent_at_is_the_publish_time()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 500 : 200);
        await using var host = await StartHostAsync();
        await host.Subscriptions.CreateAsync("4as", new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["booking.rescheduled"],
            Envelope = WebhookEnvelopeFormats.Make,
        });

        var receipt = await host.Publisher.PublishAsync("booking.rescheduled", new { BookingId = "b-1" }, tenantId: "4as");

        await host.WaitForDeliveryStatusAsync("4as", receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(2, _receiver.Received.Count);
        Assert.Single(_receiver.Received.Select(r => r.BodyText).Distinct());
        var message = await host.Store.GetMessageAsync("4as", receipt.EventId!);
        using var document = JsonDocument.Parse(_receiver.Received.First().Body);
        var root = document.RootElement;
        Assert.Equal(["type", "payload", "event_id", "sent_at"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("booking.rescheduled", root.GetProperty("type").GetString());
        Assert.Equal("b-1", root.GetProperty("payload").GetProperty("bookingId").GetString());
        Assert.Equal(receipt.EventId, root.GetProperty("event_id").GetString());
        Assert.Equal(message!.Timestamp, root.GetProperty("sent_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_custom_envelope_formatter_is_selectable_by_name()
    {
        await using var host = await StartHostAsync(w => w.AddEnvelopeFormatter(new BareFormatter()));
        await host.Subscriptions.CreateAsync(null, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"], Envelope = "bare" });

        await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk" });

        await _receiver.WaitForCountAsync(1);
        Assert.Equal("""{"sku":"milk"}""", Assert.Single(_receiver.Received).BodyText);
    }

    private sealed class BareFormatter : IWebhookEnvelopeFormatter
    {
        public string Name => "bare";

        public void Write(System.Buffers.IBufferWriter<byte> output, WebhookMessage message) => System.Buffers.BuffersExtensions.Write(output, message.Data.Span);
    }
}
