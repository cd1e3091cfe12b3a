namespace Choreblimey.Webhooks.Testing;

/// <summary>Thrown by a harness assertion that timed out; the message lists what was seen instead.</summary>
public sealed class WebhookAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookAssertionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WebhookAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
