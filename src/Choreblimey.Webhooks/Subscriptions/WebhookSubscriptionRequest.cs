using System.Text;
using Choreblimey.Webhooks.Subscriptions.Internal;

namespace Choreblimey.Webhooks;

/// <summary>The settings of a new subscription.</summary>
/// <remarks>
/// <see cref="ToString"/> never shows the <see cref="Secret"/>, the URL's path and query, or header values, which often
/// carry credentials; it shows the URL's scheme and host, and header names.
/// </remarks>
public sealed record WebhookSubscriptionRequest
{
    /// <summary>Gets the absolute http or https URL to post to.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the event patterns: declared event names, <c>*</c>, or prefix wildcards such as <c>booking.*</c>.</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }

    /// <summary>Gets the signing secret (<c>whsec_</c> + base64, or at least 24 bytes of text); generated when <see langword="null"/>.</summary>
    public string? Secret { get; init; }

    /// <summary>Gets a human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the maximum number of attempts, overriding the schedule's length (1 to 100).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets a retry schedule overriding the default one.</summary>
    public IReadOnlyList<TimeSpan>? RetrySchedule { get; init; }

    /// <summary>Gets the per-attempt timeout (1 to 60 seconds).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets extra headers to send. They may not replace the signature headers, <c>Host</c>, <c>Content-Type</c> or <c>Content-Length</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets free-form metadata owned by the host.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gets attribute filters that must all match an event's attributes for it to be delivered.</summary>
    public IReadOnlyList<WebhookAttributeFilter>? Filters { get; init; }

    /// <summary>Gets the most deliveries per second sent to this subscription (at least 0.001, one in about 17 minutes, and at most 10,000); unlimited when <see langword="null"/>.</summary>
    /// <remarks>
    /// The token bucket is the destination URL's: a tenant's subscriptions to one URL with the same limit share it, so the
    /// URL receives at most that rate in total from the tenant; subscriptions to one URL with different limits keep a bucket
    /// each, and so do other tenants'.
    /// </remarks>
    public double? RateLimitPerSecond { get; init; }

    /// <summary>
    /// Gets the name of the signature profile (see <see cref="WebhookSignatureProfile"/>); when <see langword="null"/>, the
    /// host's <see cref="WebhookOptions.DefaultSignatureProfile"/> (Standard Webhooks when it is not set).
    /// </summary>
    public string? SignatureProfile { get; init; }

    /// <summary>Gets the name of the envelope format (see <see cref="WebhookEnvelopeFormats"/>); the default envelope when <see langword="null"/>.</summary>
    public string? Envelope { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Url = ").Append(WebhookRedaction.Url(Url));
        builder.Append(", EventTypes = ").Append(WebhookRedaction.List(EventTypes));
        builder.Append(", Secret = ").Append(Secret is null ? "(generated)" : "***");
        WebhookRedaction.AppendSettings(builder, Description, MaxAttempts, RetrySchedule, Timeout, Headers, Metadata, Filters, RateLimitPerSecond, SignatureProfile, Envelope);
        return true;
    }
}
