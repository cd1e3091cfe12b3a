namespace Choreblimey.Webhooks;

/// <summary>The outcome of <see cref="WebhookVerifier"/>.</summary>
/// <remarks>
/// The <see langword="default"/> value is not valid (<see cref="IsValid"/> is <see langword="false"/>), so an
/// uninitialised result can never be mistaken for success.
/// </remarks>
public readonly record struct WebhookVerificationResult
{
    private readonly string? _message;

    private WebhookVerificationResult(bool isValid, WebhookVerificationFailure failure, string message)
    {
        IsValid = isValid;
        Failure = failure;
        _message = message;
    }

    /// <summary>Gets the result of a webhook that verified.</summary>
    public static WebhookVerificationResult Success { get; } =
        new(true, WebhookVerificationFailure.None, "The webhook signature is valid.");

    /// <summary>Gets whether the webhook verified. Act on the webhook only when this is <see langword="true"/>.</summary>
    public bool IsValid { get; }

    /// <summary>Gets why the webhook failed, or <see cref="WebhookVerificationFailure.None"/> when it verified.</summary>
    public WebhookVerificationFailure Failure { get; }

    /// <summary>
    /// Gets a human-readable reason that names the header and problem. It never contains a secret, a signature or
    /// any other header value, so it is safe to log or to return to the sender.
    /// </summary>
    public string Message => _message ?? "The webhook was not verified.";

    /// <summary>Creates a failed result.</summary>
    /// <param name="failure">Why verification failed; not <see cref="WebhookVerificationFailure.None"/>.</param>
    /// <param name="message">A human-readable reason; it must not contain secrets or signature values.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="failure"/> is <see cref="WebhookVerificationFailure.None"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is <see langword="null"/> or empty.</exception>
    public static WebhookVerificationResult Fail(WebhookVerificationFailure failure, string message)
    {
        if (failure == WebhookVerificationFailure.None)
        {
            throw new ArgumentOutOfRangeException(nameof(failure), "A failed result needs a failure reason other than None.");
        }

        ArgumentException.ThrowIfNullOrEmpty(message);
        return new WebhookVerificationResult(false, failure, message);
    }
}
