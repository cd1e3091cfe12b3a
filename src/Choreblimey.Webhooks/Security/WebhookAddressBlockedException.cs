namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Thrown from the connect callback when the address guard refuses every address of a receiver. It reaches the sender
/// wrapped in an <see cref="HttpRequestException"/>, and the sender records the attempt as blocked.
/// </summary>
#pragma warning disable CA1064 // Never escapes the library: the sender unwraps it into an attempt outcome.
internal sealed class WebhookAddressBlockedException : Exception
#pragma warning restore CA1064
{
    public WebhookAddressBlockedException()
    {
    }

    public WebhookAddressBlockedException(string message)
        : base(message)
    {
    }

    public WebhookAddressBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Finds a guard refusal in an exception's chain of causes.</summary>
    public static WebhookAddressBlockedException? FindIn(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is WebhookAddressBlockedException blocked)
            {
                return blocked;
            }
        }

        return null;
    }
}
