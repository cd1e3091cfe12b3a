namespace Choreblimey.Webhooks;

/// <summary>
/// The configuration keys (usually environment variables) read by <c>AddEnvironmentConventions</c>.
/// </summary>
public static class WebhookEnvironmentVariables
{
    /// <summary><c>true</c> or <c>false</c>: <c>false</c> turns publishing into a no-op (receipt status Disabled). Choreblimey.</summary>
    public const string Enabled = "WEBHOOK_ENABLED";

    /// <summary>The URL of one endpoint receiving every event (<c>sub_cfg_env</c>; <c>sub_cfg_&lt;tenant&gt;__env</c> with <see cref="TenantId"/>). Choreblimey.</summary>
    public const string Url = "WEBHOOK_URL";

    /// <summary>The endpoint's secret: <c>whsec_</c> + base64, or plain text of at least 24 bytes. Choreblimey.</summary>
    public const string Secret = "WEBHOOK_SECRET";

    /// <summary>The endpoint's signature profile, such as <c>choreblimey</c> or <c>jossiedb</c>; Standard Webhooks when unset.</summary>
    public const string SignatureProfile = "WEBHOOK_SIGNATURE_PROFILE";

    /// <summary>The endpoint's envelope format, such as <c>make</c>; the default envelope when unset.</summary>
    public const string Envelope = "WEBHOOK_ENVELOPE";

    /// <summary>The tenant owning the endpoint; the default tenant when unset.</summary>
    public const string TenantId = "WEBHOOK_TENANT_ID";

    /// <summary>Retries after the first attempt (0 to 99). Jossiedb.</summary>
    public const string MaxRetries = "WEBHOOK_MAX_RETRIES";

    /// <summary>The base delay in milliseconds of exponential backoff: retries wait d, 2d, 4d, ... Jossiedb.</summary>
    public const string RetryDelay = "WEBHOOK_RETRY_DELAY";

    /// <summary>
    /// Seconds the delivery log (finished deliveries, their attempts and messages) is kept: both
    /// <see cref="WebhookRetentionOptions.SucceededTtl"/> and <see cref="WebhookRetentionOptions.FailedTtl"/>. Jossiedb's
    /// event history, 2592000 (30 days) in its own configuration.
    /// </summary>
    public const string EventTimeToLive = "WEBHOOK_EVENT_TTL";

    /// <summary>The attempt timeout in milliseconds (<see cref="WebhookOptions.AttemptTimeout"/>). Jossiedb.</summary>
    public const string Timeout = "WEBHOOK_TIMEOUT";
}
