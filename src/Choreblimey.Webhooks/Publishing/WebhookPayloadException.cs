namespace Choreblimey.Webhooks;

/// <summary>
/// A payload could not be published: it is not an instance of the payload type its event was declared with, it cannot be
/// serialised, or it is larger than the limit.
/// </summary>
public sealed class WebhookPayloadException : WebhookException
{
    /// <summary>Creates the exception.</summary>
    public WebhookPayloadException()
    {
        EventType = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WebhookPayloadException(string message)
        : base(message)
    {
        EventType = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
        EventType = string.Empty;
    }

    /// <summary>Creates the exception for an event type.</summary>
    /// <param name="eventType">The event type being published.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WebhookPayloadException(string eventType, string message, Exception? innerException)
        : base(message, innerException)
    {
        EventType = eventType;
    }

    /// <summary>Gets the event type being published.</summary>
    public string EventType { get; }
}
