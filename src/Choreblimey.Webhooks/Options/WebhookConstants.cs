namespace Choreblimey.Webhooks;

/// <summary>Default values and fixed limits.</summary>
internal static class WebhookConstants
{
    public const int DefaultMaxConcurrentDeliveries = 32;
    public const int DefaultMaxConcurrentDeliveriesPerEndpoint = 4;
    public const int DefaultClaimBatchSize = 64;
    public const int DefaultMaxResponseBodyBytes = 64 * 1024;
    public const int DefaultMaxPayloadBytes = 256 * 1024;
    public const double DefaultJitterFactor = 0.2;
    public const double DefaultBreakerFailureRatio = 0.5;
    public const int DefaultBreakerMinimumThroughput = 10;
    public const int MaxEventNameLength = 128;
    public const int MaxTenantIdLength = 128;
    public const int MaxIdempotencyKeyLength = 256;
    public const int MaxActorLength = 256;
    public const string HttpClientName = "Choreblimey.Webhooks";

    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultSubscriptionCacheDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often, at most, the worker reads the store's subscription version before a claim, so that what it sends follows
    /// changes made on other instances within this time rather than within <see cref="WebhookOptions.SubscriptionCacheDuration"/>.
    /// </summary>
    public static readonly TimeSpan SubscriptionRevalidationInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultInactiveSubscriptionRecheckInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultMinRetryAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultBreakerSamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultBreakerBreakDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];
}
