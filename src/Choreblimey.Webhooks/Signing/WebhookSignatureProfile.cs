namespace Choreblimey.Webhooks;

/// <summary>
/// A named way of signing deliveries: the scheme, the header carrying the signature and its prefix, and optional headers
/// carrying the message id, the subscription id and the event type. A subscription picks one by name (<see cref="WebhookSubscription.SignatureProfile"/>);
/// hosts add their own with <c>AddSignatureProfile</c>. The Standard Webhooks <c>webhook-id</c> and <c>webhook-timestamp</c>
/// headers are sent with every profile, for de-duplication.
/// </summary>
public sealed record WebhookSignatureProfile
{
    /// <summary>The name of <see cref="Standard"/>, the default.</summary>
    public const string StandardName = "standard";

    /// <summary>The name of <see cref="Choreblimey"/>.</summary>
    public const string ChoreblimeyName = "choreblimey";

    /// <summary>The name of <see cref="Jossiedb"/>.</summary>
    public const string JossiedbName = "jossiedb";

    /// <summary>The name of <see cref="GitHub"/>.</summary>
    public const string GitHubName = "github";

    /// <summary>Gets the Standard Webhooks profile: <c>webhook-signature: v1,&lt;base64&gt;</c>. The default.</summary>
    public static WebhookSignatureProfile Standard { get; } = new() { Name = StandardName };

    /// <summary>Gets the Choreblimey profile: <c>X-Choreblimey-Signature: sha256=&lt;hex of body&gt;</c>.</summary>
    public static WebhookSignatureProfile Choreblimey { get; } = new()
    {
        Name = ChoreblimeyName,
        Scheme = WebhookSignatureScheme.HmacSha256Hex,
        SignatureHeader = "X-Choreblimey-Signature",
        SignaturePrefix = "sha256=",
    };

    /// <summary>
    /// Gets the Jossiedb profile: <c>X-Webhook-Signature: &lt;hex of body&gt;</c>, with <c>X-Webhook-ID</c> (the webhook, that
    /// is the subscription, that sent the delivery: a Jossiedb "webhook" is a registered endpoint) and <c>X-Event-Type</c>.
    /// The event id for de-duplication is in <c>webhook-id</c>, as with every profile.
    /// </summary>
    public static WebhookSignatureProfile Jossiedb { get; } = new()
    {
        Name = JossiedbName,
        Scheme = WebhookSignatureScheme.HmacSha256Hex,
        SignatureHeader = "X-Webhook-Signature",
        SubscriptionIdHeader = "X-Webhook-ID",
        EventTypeHeader = "X-Event-Type",
    };

    /// <summary>
    /// Gets the GitHub-compatible profile: <c>X-Hub-Signature-256: sha256=&lt;hex of body&gt;</c>, with <c>X-GitHub-Delivery</c>
    /// and <c>X-GitHub-Event</c>.
    /// </summary>
    public static WebhookSignatureProfile GitHub { get; } = new()
    {
        Name = GitHubName,
        Scheme = WebhookSignatureScheme.HmacSha256Hex,
        SignatureHeader = "X-Hub-Signature-256",
        SignaturePrefix = "sha256=",
        IdHeader = "X-GitHub-Delivery",
        EventTypeHeader = "X-GitHub-Event",
    };

    /// <summary>Gets the built-in profiles: standard, choreblimey, jossiedb and github.</summary>
    public static IReadOnlyList<WebhookSignatureProfile> BuiltIn { get; } = [Standard, Choreblimey, Jossiedb, GitHub];

    /// <summary>Gets the name subscriptions refer to the profile by (case-insensitive).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the signature scheme. The default value is <see cref="WebhookSignatureScheme.StandardWebhooks"/>.</summary>
    public WebhookSignatureScheme Scheme { get; init; } = WebhookSignatureScheme.StandardWebhooks;

    /// <summary>Gets the header carrying the signature. The default value is <c>webhook-signature</c>.</summary>
    public string SignatureHeader { get; init; } = WebhookHeaders.Signature;

    /// <summary>Gets the text before each hex signature, such as <c>sha256=</c>; ignored by the Standard Webhooks scheme. The default is empty.</summary>
    public string SignaturePrefix { get; init; } = string.Empty;

    /// <summary>Gets an extra header carrying the message id, if the receiver expects one.</summary>
    public string? IdHeader { get; init; }

    /// <summary>
    /// Gets an extra header carrying the id of the subscription that sent the delivery, if the receiver expects one (a
    /// receiver that registered several webhooks tells them apart by it).
    /// </summary>
    public string? SubscriptionIdHeader { get; init; }

    /// <summary>Gets an extra header carrying the event type, if the receiver expects one.</summary>
    public string? EventTypeHeader { get; init; }

    /// <summary>Gets the header names this profile sets, which custom subscription headers may not override.</summary>
    /// <returns>The header names.</returns>
    public IEnumerable<string> GetHeaderNames()
    {
        yield return SignatureHeader;
        if (IdHeader is not null)
        {
            yield return IdHeader;
        }

        if (SubscriptionIdHeader is not null)
        {
            yield return SubscriptionIdHeader;
        }

        if (EventTypeHeader is not null)
        {
            yield return EventTypeHeader;
        }
    }
}
