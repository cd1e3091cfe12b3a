namespace Choreblimey.Webhooks;

/// <summary>The names of the HTTP headers defined by the Standard Webhooks specification.</summary>
public static class WebhookHeaders
{
    /// <summary>The header carrying the message id, which is the same on every attempt of one message.</summary>
    public const string Id = "webhook-id";

    /// <summary>The header carrying when the message was signed, as integer seconds since the Unix epoch.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary>
    /// The header carrying the signatures: space-separated <c>version,base64</c> entries, such as
    /// <c>v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=</c>.
    /// </summary>
    public const string Signature = "webhook-signature";
}
