using System.Text;
using System.Text.Json;

namespace Choreblimey.Webhooks.Testing;

/// <summary>One HTTP request the <see cref="WebhookTestReceiver"/> received.</summary>
public sealed record WebhookTestRequest
{
    /// <summary>Gets the request URL (the subscription's URL).</summary>
    public required Uri Url { get; init; }

    /// <summary>Gets the request headers (content headers included), by case-insensitive name.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the raw body.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Gets when it arrived, on the host's clock.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Gets the 1-based number of requests received so far with this <see cref="WebhookId"/> at this <see cref="Url"/> (1 for a delivery's first attempt, counted per subscription URL).</summary>
    public required int AttemptNumber { get; init; }

    /// <summary>
    /// Gets the signature profile the request was signed with, as far as its signature header tells: the first of the
    /// profiles the host registered, then of <see cref="WebhookSignatureProfile.BuiltIn"/>, whose header it carries;
    /// <see langword="null"/> when it carries none. When several profiles share that header, <see cref="Verify(WebhookSecret, TimeProvider?)"/>
    /// tries each of them.
    /// </summary>
    public WebhookSignatureProfile? SignatureProfile => SignatureCandidates.Count > 0 ? SignatureCandidates[0] : null;

    /// <summary>Gets the profiles whose signature header the request carries, in the order they are tried.</summary>
    internal IReadOnlyList<WebhookSignatureProfile> SignatureCandidates { get; init; } = [];

    /// <summary>Gets the <c>webhook-id</c> header (the event id).</summary>
    public string? WebhookId => Header(WebhookHeaders.Id);

    /// <summary>Gets the body as text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Gets the envelope's <c>type</c>, when the body is a JSON object that has one.</summary>
    public string? EventType
    {
        get
        {
            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("type", out var type)
                    ? type.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Gets a header value.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Verifies the request's signature as a receiver would when the request arrived, with the profile it was signed with
    /// (<see cref="SignatureProfile"/>: Standard Webhooks' <c>webhook-signature</c>, or <c>X-Choreblimey-Signature</c>,
    /// <c>X-Webhook-Signature</c>, <c>X-Hub-Signature-256</c> or a registered profile's header; when several profiles use
    /// that header, it is valid if it is valid under one of them, and otherwise the first one's failure is returned). A
    /// request that carries no signature header is checked as Standard Webhooks, and fails naming the header it lacks.
    /// </summary>
    /// <param name="secret">The subscription's secret (<c>whsec_…</c>).</param>
    /// <param name="timeProvider">
    /// The clock the timestamp is checked against. By default the request's <see cref="ReceivedAt"/>, on the host's clock
    /// (the harness's test clock when it is faked), so the check holds however far the test clock is advanced afterwards.
    /// </param>
    /// <returns>The verification result.</returns>
    public WebhookVerificationResult Verify(WebhookSecret secret, TimeProvider? timeProvider = null)
    {
        var candidates = SignatureCandidates.Count > 0
            ? SignatureCandidates
            : WebhookSignatureProfileDetector.Detect(WebhookSignatureProfile.BuiltIn, Header);
        if (candidates.Count == 0)
        {
            return Verify(secret, WebhookSignatureProfile.Standard, timeProvider);
        }

        var first = Verify(secret, candidates[0], timeProvider);
        if (first.IsValid)
        {
            return first;
        }

        foreach (var profile in candidates.Skip(1))
        {
            if (Verify(secret, profile, timeProvider) is { IsValid: true } valid)
            {
                return valid;
            }
        }

        return first;
    }

    /// <summary>Verifies the request's signature with <paramref name="profile"/>, as a receiver would when the request arrived.</summary>
    /// <param name="secret">The subscription's secret (<c>whsec_…</c>).</param>
    /// <param name="profile">The profile the receiver expects, such as <see cref="WebhookSignatureProfile.Choreblimey"/>.</param>
    /// <param name="timeProvider">The clock the timestamp is checked against; by default the request's <see cref="ReceivedAt"/>.</param>
    /// <returns>The verification result.</returns>
    public WebhookVerificationResult Verify(WebhookSecret secret, WebhookSignatureProfile profile, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(profile);
        return new WebhookVerifier(timeProvider: timeProvider ?? new WebhookStoppedClock(ReceivedAt)).Verify(profile, Body.Span, Header, [secret]);
    }
}
