namespace Choreblimey.Webhooks;

/// <summary>The base class of the exceptions that Choreblimey.Webhooks throws for its own failures.</summary>
public class WebhookException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public WebhookException()
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public WebhookException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with the given message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public WebhookException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
