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
        var headers = BuildHeaders(message, subscription, body.WrittenSpan, now, traceParent);
        return new WebhookSendRequest(subscription.Url, body.WrittenMemory, headers, timeout, maxResponseBodyBytes);
    }

    private KeyValuePair<string, string>[] BuildHeaders(WebhookMessage message, WebhookSubscription subscription, ReadOnlySpan<byte> body, DateTimeOffset now, string? traceParent)
    {
        var all = subscription.Secrets;
        var valid = 0;
        WebhookSecret? first = null;
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].IsValidAt(now))
            {
                valid++;
                first ??= all[i].Secret;
            }
        }

        var profile = profiles.Get(subscription.SignatureProfile);
        var custom = subscription.Headers;

        // Sized exactly, once per attempt: the sender only reads it.
        var headers = new KeyValuePair<string, string>[3
            + (profile.IdHeader is null ? 0 : 1)
            + (profile.SubscriptionIdHeader is null ? 0 : 1)
            + (profile.EventTypeHeader is null ? 0 : 1)
            + (valid == 0 ? 0 : 1)
            + (custom?.Count ?? 0)
            + (traceParent is null ? 0 : 1)];
        var count = 0;
        headers[count++] = new(WebhookHeaders.Id, message.Id);
        headers[count++] = new(WebhookHeaders.Timestamp, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        headers[count++] = new("User-Agent", _userAgent);
        if (profile.IdHeader is { } idHeader)
        {
            headers[count++] = new(idHeader, message.Id);
        }

        if (profile.SubscriptionIdHeader is { } subscriptionIdHeader)
        {
            headers[count++] = new(subscriptionIdHeader, subscription.Id);
        }

        if (profile.EventTypeHeader is { } eventTypeHeader)
        {
            headers[count++] = new(eventTypeHeader, message.EventType);
        }

        if (valid > 0)
        {
            headers[count++] = new(profile.SignatureHeader, Sign(profile, first!, valid == 1 ? null : ValidSecrets(all, now, valid), message, now, body));
        }

        if (custom is not null)
        {
            foreach (var header in custom)
            {
                headers[count++] = header;
            }
        }

        if (traceParent is not null)
        {
            headers[count++] = new("traceparent", traceParent);
        }

        return headers;
    }

    /// <summary>Signs with the one valid secret, or with each of <paramref name="several"/> while a secret is being rotated.</summary>
    private string Sign(WebhookSignatureProfile profile, WebhookSecret first, WebhookSecret[]? several, WebhookMessage message, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        if (profile.Scheme == WebhookSignatureScheme.HmacSha256Hex)
        {
            return WebhookHexSignature.Sign(several is null ? new ReadOnlySpan<WebhookSecret>(in first) : several, profile.SignaturePrefix, body);
        }

        return several is null ? signer.Sign(first, message.Id, now, body) : signer.Sign(several, message.Id, now, body);
    }

    /// <summary>The secrets valid now, in order (more than one only while a secret is being rotated).</summary>
    private static WebhookSecret[] ValidSecrets(IReadOnlyList<WebhookSigningSecret> all, DateTimeOffset now, int count)
    {
        var secrets = new WebhookSecret[count];
        var written = 0;
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].IsValidAt(now))
            {
                secrets[written++] = all[i].Secret;
            }
        }

        return secrets;
    }
}
