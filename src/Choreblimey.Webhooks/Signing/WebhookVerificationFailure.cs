namespace Choreblimey.Webhooks;

/// <summary>Why a webhook failed verification.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>No failure: the webhook is valid.</summary>
    None = 0,

    /// <summary>The <c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> header is missing or empty.</summary>
    MissingHeader = 1,

    /// <summary>The <c>webhook-timestamp</c> header is not a non-negative integer number of seconds since the Unix epoch.</summary>
    InvalidTimestamp = 2,

    /// <summary>
    /// The <c>webhook-timestamp</c> header is further from the current time than <see cref="WebhookVerifierOptions.Tolerance"/>
    /// allows: the message may be a replay, or a clock is wrong.
    /// </summary>
    TimestampOutsideTolerance = 3,

    /// <summary>
    /// The <c>webhook-signature</c> header has no well-formed entry. Entries are separated by spaces; each is a version of
    /// ASCII letters and digits, a comma and a value, and a <c>v1</c> value must be the base64 of 32 bytes.
    /// </summary>
    MalformedSignature = 4,

    /// <summary>
    /// No <c>v1</c> entry of the <c>webhook-signature</c> header matches any of the secrets: the body, id or timestamp was
    /// changed, the secret is wrong, or the header carries only signature versions this library does not support.
    /// </summary>
    NoMatchingSignature = 5,
}
