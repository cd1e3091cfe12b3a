using System.Text.Json;

namespace Choreblimey.Webhooks.Storage.Internal;

/// <summary>
/// The one JSON form of a subscription that SQL stores keep in a document column, so every store reads and writes the same
/// shape and new subscription settings need no schema migration.
/// </summary>
internal static class WebhookSubscriptionJson
{
    private static readonly IWebhookSecretProtector NoOpProtector = new Security.NoOpWebhookSecretProtector();

    public static byte[] Serialize(WebhookSubscription subscription, IWebhookSecretProtector? protector = null)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        protector ??= NoOpProtector;
        var document = new SubscriptionDocument
        {
            Id = subscription.Id,
            TenantId = subscription.TenantId,
            Url = subscription.Url.OriginalString,
            EventPatterns = [.. subscription.EventPatterns],
            Secrets = [.. subscription.Secrets.Select(s => new SecretDocument { Value = protector.Protect(s.Secret.Reveal()), ExpiresAt = s.ExpiresAt })],
            State = subscription.State,
            DisabledReason = subscription.DisabledReason,
            Description = subscription.Description,
            MaxAttempts = subscription.MaxAttempts,
            RetrySchedule = subscription.RetrySchedule?.ToArray(),
            Timeout = subscription.Timeout,
            Headers = subscription.Headers?.ToDictionary(),
            Metadata = subscription.Metadata?.ToDictionary(),
            Filters = subscription.Filters is { Count: > 0 } filters
                ? [.. filters.Select(f => new FilterDocument { Attribute = f.Attribute, Operator = f.Operator, Values = [.. f.Values] })]
                : null,
            RateLimitPerSecond = subscription.RateLimitPerSecond,
            SignatureProfile = subscription.SignatureProfile,
            Envelope = subscription.Envelope,
            CreatedAt = subscription.CreatedAt,
            UpdatedAt = subscription.UpdatedAt,
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, SubscriptionJsonContext.Default.SubscriptionDocument);
    }

    public static WebhookSubscription Deserialize(ReadOnlySpan<byte> json, IWebhookSecretProtector? protector = null)
    {
        protector ??= NoOpProtector;
        var document = JsonSerializer.Deserialize(json, SubscriptionJsonContext.Default.SubscriptionDocument)
            ?? throw new InvalidDataException("A stored webhook subscription document is empty.");
        return new WebhookSubscription
        {
            Id = document.Id,
            TenantId = document.TenantId,
            Url = new Uri(document.Url, UriKind.Absolute),
            EventPatterns = document.EventPatterns,
            Secrets = [.. document.Secrets.Select(s => new WebhookSigningSecret(WebhookSecret.Parse(protector.Unprotect(s.Value)), s.ExpiresAt))],
            State = document.State,
            DisabledReason = document.DisabledReason,
            Description = document.Description,
            MaxAttempts = document.MaxAttempts,
            RetrySchedule = document.RetrySchedule,
            Timeout = document.Timeout,
            Headers = document.Headers,
            Metadata = document.Metadata,
            Filters = document.Filters is { Length: > 0 } filters
                ? [.. filters.Select(f => new WebhookAttributeFilter(f.Attribute, f.Operator, f.Values ?? []))]
                : null,
            RateLimitPerSecond = document.RateLimitPerSecond,
            SignatureProfile = document.SignatureProfile,
            Envelope = document.Envelope,
            CreatedAt = document.CreatedAt,
            UpdatedAt = document.UpdatedAt,
        };
    }

    internal sealed class SubscriptionDocument
    {
        public string Id { get; set; } = "";
        public string TenantId { get; set; } = "";
        public string Url { get; set; } = "";
        public string[] EventPatterns { get; set; } = [];
        public SecretDocument[] Secrets { get; set; } = [];
        public WebhookSubscriptionState State { get; set; }
        public string? DisabledReason { get; set; }
        public string? Description { get; set; }
        public int? MaxAttempts { get; set; }
        public TimeSpan[]? RetrySchedule { get; set; }
        public TimeSpan? Timeout { get; set; }
        public Dictionary<string, string>? Headers { get; set; }
        public Dictionary<string, string>? Metadata { get; set; }
        // Added after the first release: optional, so documents written before them still read.
        public FilterDocument[]? Filters { get; set; }
        public double? RateLimitPerSecond { get; set; }
        public string? SignatureProfile { get; set; }
        public string? Envelope { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
    }

    internal sealed class SecretDocument
    {
        public string Value { get; set; } = "";
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    internal sealed class FilterDocument
    {
        public string Attribute { get; set; } = "";
        public WebhookFilterOperator Operator { get; set; }
        public string[]? Values { get; set; }
    }
}
