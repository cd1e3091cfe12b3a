namespace Choreblimey.Webhooks;

/// <summary>A subscription setting or other caller input is invalid. The message names the setting and the rule.</summary>
public sealed class WebhookValidationException : WebhookException
{
    /// <summary>Creates the exception.</summary>
    public WebhookValidationException()
    {
        PropertyName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public WebhookValidationException(string message)
        : base(message)
    {
        PropertyName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        PropertyName = string.Empty;
    }

    /// <summary>Creates the exception for a named setting.</summary>
    /// <param name="propertyName">The invalid setting.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WebhookValidationException(string propertyName, string message, Exception? innerException)
        : base(message, innerException)
    {
        PropertyName = propertyName;
    }

    /// <summary>Gets the name of the invalid setting.</summary>
    public string PropertyName { get; }
}
