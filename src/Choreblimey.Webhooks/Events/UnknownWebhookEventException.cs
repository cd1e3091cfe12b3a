using System.Text;

namespace Choreblimey.Webhooks;

/// <summary>Thrown when an event type is used that the event registry does not declare.</summary>
public sealed class UnknownWebhookEventException : WebhookException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public UnknownWebhookEventException()
        : base("The webhook event type is not declared.")
    {
        EventType = string.Empty;
        ClosestNames = [];
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public UnknownWebhookEventException(string? message)
        : base(message)
    {
        EventType = string.Empty;
        ClosestNames = [];
    }

    /// <summary>Initializes a new instance with the given message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public UnknownWebhookEventException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        EventType = string.Empty;
        ClosestNames = [];
    }

    /// <summary>Initializes a new instance for an undeclared event type, with a message that suggests the closest names.</summary>
    /// <param name="eventType">The undeclared event type.</param>
    /// <param name="closestNames">The closest declared names, best first; may be empty.</param>
    /// <param name="anyEventsDeclared"><see langword="false"/> when the registry declares no events at all.</param>
    public UnknownWebhookEventException(string eventType, IReadOnlyList<string> closestNames, bool anyEventsDeclared = true)
        : base(BuildMessage(eventType, closestNames, anyEventsDeclared))
    {
        EventType = eventType;
        ClosestNames = closestNames is null ? [] : [.. closestNames];
    }

    /// <summary>Gets the undeclared event type.</summary>
    public string EventType { get; }

    /// <summary>Gets the closest declared names, best first; empty when none is close.</summary>
    public IReadOnlyList<string> ClosestNames { get; }

    private static string BuildMessage(string? eventType, IReadOnlyList<string>? closestNames, bool anyEventsDeclared)
    {
        var builder = new StringBuilder("The webhook event type '")
            .Append(WebhookEventName.Display(eventType ?? string.Empty))
            .Append("' is not declared. ");
        if (!anyEventsDeclared)
        {
            builder.Append("No webhook events are declared at all.");
        }
        else if (closestNames is null || closestNames.Count == 0)
        {
            builder.Append("No declared name is close to it.");
        }
        else
        {
            builder.Append(closestNames.Count == 1 ? "Closest declared name: " : "Closest declared names: ");
            for (var i = 0; i < closestNames.Count; i++)
            {
                builder.Append(i == 0 ? "'" : ", '").Append(closestNames[i]).Append('\'');
            }

            builder.Append('.');
        }

        return builder.Append(" Declare it with AddEvent(...) when registering the webhooks.").ToString();
    }
}
