using System.Buffers;
using System.Globalization;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Signing.Internal;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// Builds the HTTP request of a delivery: the subscription's envelope around the stored payload, the signature of its
/// profile with every secret valid now, the dedupe and trace headers, and the subscription's own headers. Used by the
/// worker and by test sends, so a test looks exactly like real traffic.
/// </summary>
internal sealed class WebhookRequestFactory(
    StandardWebhookSigner signer,
    WebhookSignatureProfileRegistry profiles,
    WebhookEnvelopeFormatterRegistry envelopes)
{
    private readonly string _userAgent = "Choreblimey.Webhooks/" + (typeof(WebhookRequestFactory).Assembly.GetName().Version?.ToString(3) ?? "0");

    public WebhookSendRequest Create(
        WebhookMessage message,
        WebhookSubscription subscription,
        DateTimeOffset now,
        string? traceParent,
        TimeSpan timeout,
        int maxResponseBodyBytes)
    {
        var body = new ArrayBufferWriter<byte>(message.Data.Length + 256);
        envelopes.Get(subscription.Envelope).Write(body, message);
        var headers = BuildHeaders(message, subscription, body.WrittenSpan, now);
        if (traceParent is not null)
        {
            headers.Add(new("traceparent", traceParent));
        }

        return new WebhookSendRequest(subscription.Url, body.WrittenMemory, headers, timeout, maxResponseBodyBytes);
    }

    private List<KeyValuePair<string, string>> BuildHeaders(WebhookMessage message, WebhookSubscription subscription, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var all = subscription.Secrets;
        var secrets = new List<WebhookSecret>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].IsValidAt(now))
            {
                secrets.Add(all[i].Secret);
            }
        }

        var profile = profiles.Get(subscription.SignatureProfile);
        var headers = new List<KeyValuePair<string, string>>(7 + (subscription.Headers?.Count ?? 0))
        {
            new(WebhookHeaders.Id, message.Id),
            new(WebhookHeaders.Timestamp, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("User-Agent", _userAgent),
        };
        if (profile.IdHeader is { } idHeader)
        {
            headers.Add(new(idHeader, message.Id));
        }

        if (profile.EventTypeHeader is { } eventTypeHeader)
        {
            headers.Add(new(eventTypeHeader, message.EventType));
        }

        if (secrets.Count > 0)
        {
            var signature = profile.Scheme == WebhookSignatureScheme.HmacSha256Hex
                ? WebhookHexSignature.Sign(secrets, profile.SignaturePrefix, body)
                : signer.Sign(secrets, message.Id, now, body);
            headers.Add(new(profile.SignatureHeader, signature));
        }

        if (subscription.Headers is { } custom)
        {
            headers.AddRange(custom);
        }

        return headers;
    }
}
