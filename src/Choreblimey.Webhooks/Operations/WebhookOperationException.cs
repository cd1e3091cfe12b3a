namespace Choreblimey.Webhooks;

/// <summary>
/// An operation (<see cref="IWebhookOperations"/>) refused a request for a reason a caller can act on, given by
/// <see cref="Error"/>. It derives from <see cref="InvalidOperationException"/>, which these operations threw before it
/// existed, so existing handlers still catch it.
/// </summary>
/// <remarks>
/// The message is written for the host's developers and operators and may name internal details (a worker's id, which
/// holds its machine name and process id); an API that manages subscriptions for its own customers should map
/// <see cref="Error"/> to its own wording rather than show the message.
/// </remarks>
public sealed class WebhookOperationException : InvalidOperationException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public WebhookOperationException()
        : base("The webhook operation was refused.")
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public WebhookOperationException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with the given message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public WebhookOperationException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a refused request, with its reason and what it concerned.</summary>
    /// <param name="error">Why the request was refused.</param>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="subscriptionId">The subscription concerned, if any.</param>
    /// <param name="deliveryId">The delivery concerned, if any.</param>
    public WebhookOperationException(WebhookOperationError error, string message, string? subscriptionId = null, string? deliveryId = null)
        : base(message)
    {
        Error = error;
        SubscriptionId = subscriptionId;
        DeliveryId = deliveryId;
    }

    /// <summary>Gets why the request was refused.</summary>
    public WebhookOperationError Error { get; }

    /// <summary>Gets the subscription concerned, if any.</summary>
    public string? SubscriptionId { get; }

    /// <summary>Gets the delivery concerned, if any.</summary>
    public string? DeliveryId { get; }
}
