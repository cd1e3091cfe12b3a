using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Choreblimey.Webhooks;

/// <summary>Options for the webhook publisher and delivery worker. Validated when the host starts.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Gets or sets whether webhooks are enabled. When <see langword="false"/>, publishing is a no-op that returns a
    /// <see cref="WebhookPublishStatus.Disabled"/> receipt without checking the event (only a <see langword="null"/> event
    /// type or options object throws), nothing is stored or sent, and the worker does not run. The default value is <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how many attempts the worker runs at once across all endpoints. An attempt gives its slot back once the
    /// receiver has answered; up to four times as many more deliveries (each holding its event's payload) may then be
    /// waiting for their outcome to be recorded, so that a durable store commits many outcomes at a time. The default
    /// value is 32.
    /// </summary>
    [Range(1, 4096)]
    public int MaxConcurrentDeliveries { get; set; } = WebhookConstants.DefaultMaxConcurrentDeliveries;

    /// <summary>
    /// Gets or sets how many attempts may be in flight to one destination URL at once, so one slow endpoint cannot take every
    /// slot. The default value is 4.
    /// </summary>
    /// <remarks>
    /// The cap is the URL's (its absolute form, compared ordinally), shared by every subscription of a tenant that sends to
    /// it, so several subscriptions to one URL (routes of a <see cref="WebhookDestinationMap"/> falling back to one key)
    /// together keep within it; another tenant sending to the same URL has its own, so one tenant's backlog cannot hold
    /// another's deliveries back. Each worker instance keeps its own count, and holds at most twice as many leases for the URL.
    /// </remarks>
    [Range(1, 1024)]
    public int MaxConcurrentDeliveriesPerEndpoint { get; set; } = WebhookConstants.DefaultMaxConcurrentDeliveriesPerEndpoint;

    /// <summary>
    /// Gets or sets how many due deliveries the worker claims per store round trip for its free slots. While there is a
    /// backlog, each claim also takes up to this many more ahead, started in order as slots free up (and handed back on
    /// shutdown); the next claim is made when half of this many are left ahead. The default value is 64.
    /// </summary>
    [Range(1, 10_000)]
    public int ClaimBatchSize { get; set; } = WebhookConstants.DefaultClaimBatchSize;

    /// <summary>
    /// Gets or sets how long a claimed delivery is leased. A lease that lapses (the worker died) makes the delivery due again.
    /// Must exceed the longest attempt timeout. The default value is 2 minutes.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = WebhookConstants.DefaultLeaseDuration;

    /// <summary>
    /// Gets or sets the longest an idle worker waits before looking at the store again when nothing wakes it
    /// (another instance published, or a lease lapsed). The default value is 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = WebhookConstants.DefaultPollInterval;

    /// <summary>Gets or sets the timeout of one attempt, from sending the request to reading the capped response. The default value is 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = WebhookConstants.DefaultAttemptTimeout;

    /// <summary>Gets or sets how much of a response body is read and stored. The default value is 64 KiB.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxResponseBodyBytes { get; set; } = WebhookConstants.DefaultMaxResponseBodyBytes;

    /// <summary>Gets or sets the largest serialised payload accepted at publish. The default value is 256 KiB.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = WebhookConstants.DefaultMaxPayloadBytes;

    /// <summary>
    /// Gets or sets whether invalid publishes (undeclared event type, payload of the wrong type, that cannot be serialised or
    /// is too large, an invalid tenant id, actor, idempotency key, attribute or priority, an idempotency key reused for
    /// another event type) throw. When <see langword="false"/> they are logged (event 3), counted
    /// (<c>webhooks.events.rejected</c>) and reported in a <see cref="WebhookPublishStatus.Rejected"/> receipt instead, so
    /// production traffic is never broken by a programming error; a <see langword="null"/> event type or options object
    /// still throws. The default value is <see langword="true"/>.
    /// </summary>
    public bool ThrowOnInvalidPublish { get; set; } = true;

    /// <summary>
    /// Gets or sets whether a publish throws when the store cannot save the event (or read the subscriptions to route it):
    /// a database that is down, full or locked past its timeout. When <see langword="false"/>,
    /// <see cref="IWebhookPublisher.PublishAsync{TPayload}(string, TPayload, WebhookPublishOptions, CancellationToken)"/>
    /// logs the failure as an error and returns a <see cref="WebhookPublishStatus.Failed"/> receipt naming it instead, so
    /// that the caller's own work goes on (fire and forget); the event is not stored and will not be delivered, which the
    /// receipt, the log and the <c>webhooks.events.failed</c> counter say. A re-publish whose idempotency key is held by an
    /// event that cannot be read back stays a <see cref="WebhookPublishStatus.Duplicate"/> of that stored event, since it
    /// is stored. Cancellation through the caller's token still throws, and <see cref="IWebhookOutbox"/> publishes inside the host's transaction are not affected: that
    /// transaction must fail with the write. The default value is <see langword="true"/>.
    /// </summary>
    public bool ThrowOnStoreFailure { get; set; } = true;

    /// <summary>
    /// Gets or sets the signature profile of subscriptions created without one (through the subscription manager or from
    /// configuration) and of those whose profile an update clears, for a host whose receivers all expect its own header,
    /// such as <c>choreblimey</c> (<c>X-Choreblimey-Signature</c>) or <c>jossiedb</c>. It must name a built-in or
    /// registered profile. It is written into each subscription when it is created, updated from configuration or has its
    /// profile cleared, so changing it later does not change what existing receivers get. The default value is
    /// <see langword="null"/>: Standard Webhooks headers.
    /// </summary>
    public string? DefaultSignatureProfile { get; set; }

    /// <summary>
    /// Gets or sets how long this instance's cache of a tenant's subscriptions is trusted before the store's subscription
    /// version is read again to see changes made by other instances sharing the store. Publishing routes with the cache, so an
    /// event published here within this time of such a change is routed as before it (a subscription created on another
    /// instance misses it; one paused there still receives it, held until resumed). Sending does not wait this long: the
    /// worker checks the version at most every 0.1 s before it claims, so deliveries go out with the subscription's current
    /// secrets, state and settings. Changes made on this instance are seen at once. The default value is 5 seconds.
    /// </summary>
    public TimeSpan SubscriptionCacheDuration { get; set; } = WebhookConstants.DefaultSubscriptionCacheDuration;

    /// <summary>
    /// Gets or sets how long a pending delivery of a paused or disabled subscription waits before the worker looks at it again.
    /// The default value is 5 minutes.
    /// </summary>
    public TimeSpan InactiveSubscriptionRecheckInterval { get; set; } = WebhookConstants.DefaultInactiveSubscriptionRecheckInterval;

    /// <summary>Gets or sets a stable id for this instance's worker, used as the lease owner. Defaults to machine name and process id.</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// Gets or sets how long the old secrets of a subscription keep signing after <see cref="IWebhookSubscriptionManager.RotateSecretAsync"/>
    /// (0 to 30 days). The default value is 24 hours.
    /// </summary>
    public TimeSpan SecretRotationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets how old an event may be when a delivery of it is due; an older delivery is dead-lettered with a clear error
    /// instead of being sent. <see langword="null"/> (the default) means events never expire.
    /// </summary>
    public TimeSpan? EventTimeToLive { get; set; }

    /// <summary>Gets the retry schedule and <c>Retry-After</c> handling.</summary>
    public WebhookRetryOptions Retry { get; } = new();

    /// <summary>Gets the settings of each subscription's circuit breaker.</summary>
    public WebhookCircuitBreakerOptions CircuitBreaker { get; } = new();

    /// <summary>Gets the outbound safety settings: the address guard's allow-lists, plain http, the proxy and connection bounds.</summary>
    public WebhookSecurityOptions Security { get; } = new();

    /// <summary>Gets when failing endpoints are disabled automatically.</summary>
    public WebhookHealthOptions Health { get; } = new();

    /// <summary>Gets how long the delivery log is kept.</summary>
    public WebhookRetentionOptions Retention { get; } = new();

    /// <summary>Gets the backlog gauge sampling and health check thresholds.</summary>
    public WebhookMonitoringOptions Monitoring { get; } = new();

    /// <summary>
    /// Gets or sets the serialiser options for payloads. The default is the web defaults (camelCase). Unless
    /// <see cref="JsonSerializerOptions.MaxDepth"/> is set, a payload may nest at most 63 levels, so that the delivered
    /// envelope stays within the 64 levels System.Text.Json and most parsers read by default; a deeper payload fails at
    /// publish with a <see cref="WebhookPayloadException"/>.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
