using System.Text;
using Choreblimey.Webhooks.Subscriptions.Internal;

namespace Choreblimey.Webhooks;

/// <summary>
/// Changes to a subscription. Every property is optional: <see langword="null"/> keeps the current value, and the
/// "empty" value of a property clears it (an empty string, list or dictionary, <c>0</c> attempts or rate,
/// <see cref="TimeSpan.Zero"/> timeout) so the default applies again.
/// </summary>
/// <remarks>
/// Secrets are changed with <see cref="IWebhookSubscriptionManager.RotateSecretAsync"/>, state with pause and resume.
/// <see cref="ToString"/> never shows the URL's path and query or header values, which often carry credentials.
/// </remarks>
public sealed record WebhookSubscriptionUpdate
{
    /// <summary>Gets the new absolute http or https URL.</summary>
    public string? Url { get; init; }

    /// <summary>Gets the new event patterns (at least one).</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Gets the new description; empty clears it.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the new maximum number of attempts (1 to 100); 0 clears it.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets the new retry schedule; empty clears it.</summary>
    public IReadOnlyList<TimeSpan>? RetrySchedule { get; init; }

    /// <summary>Gets the new per-attempt timeout (1 to 60 seconds); <see cref="TimeSpan.Zero"/> clears it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the new custom headers, replacing the old ones; empty clears them.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Gets the new metadata, replacing the old; empty clears it.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gets the new attribute filters, replacing the old; empty clears them.</summary>
    public IReadOnlyList<WebhookAttributeFilter>? Filters { get; init; }

    /// <summary>Gets the new rate limit in deliveries per second; 0 removes the limit.</summary>
    public double? RateLimitPerSecond { get; init; }

    /// <summary>
    /// Gets the new signature profile name; empty returns to the host's <see cref="WebhookOptions.DefaultSignatureProfile"/>
    /// (Standard Webhooks when it is not set).
    /// </summary>
    public string? SignatureProfile { get; init; }

    /// <summary>Gets the new envelope format name; empty returns to the default envelope.</summary>
    public string? Envelope { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Url = ").Append(Url is null ? string.Empty : WebhookRedaction.Url(Url));
        builder.Append(", EventTypes = ").Append(WebhookRedaction.List(EventTypes));
        WebhookRedaction.AppendSettings(builder, Description, MaxAttempts, RetrySchedule, Timeout, Headers, Metadata, Filters, RateLimitPerSecond, SignatureProfile, Envelope);
        return true;
    }
}
