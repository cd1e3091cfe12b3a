namespace Choreblimey.Webhooks;

/// <summary>How one delivery attempt ended.</summary>
public enum WebhookAttemptOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Succeeded = 0,

    /// <summary>The receiver answered with a non-2xx status (3xx included: redirects are not followed).</summary>
    HttpError = 1,

    /// <summary>The attempt did not complete within its timeout.</summary>
    TimedOut = 2,

    /// <summary>The connection failed (refused, reset, DNS, TLS, lost while the response body was read), or the request could not be built or sent for an unexpected reason (the error names the exception).</summary>
    NetworkError = 3,

    /// <summary>The attempt was refused before sending (for example by the address guard).</summary>
    Blocked = 4,
}
