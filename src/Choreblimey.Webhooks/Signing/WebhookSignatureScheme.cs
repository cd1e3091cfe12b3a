namespace Choreblimey.Webhooks;

/// <summary>How a <see cref="WebhookSignatureProfile"/> signs a delivery.</summary>
public enum WebhookSignatureScheme
{
    /// <summary>
    /// Standard Webhooks v1: <c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c>, one space-separated entry per secret.
    /// </summary>
    StandardWebhooks = 0,

    /// <summary>
    /// The lower-case hex HMAC-SHA256 of the body alone, after an optional prefix such as <c>sha256=</c>; during secret
    /// rotation one comma-separated entry per secret. The timestamp is not signed, so receivers should de-duplicate by id.
    /// </summary>
    HmacSha256Hex = 1,
}
