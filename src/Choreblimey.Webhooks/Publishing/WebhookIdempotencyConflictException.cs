namespace Choreblimey.Webhooks;

/// <summary>
/// An idempotency key was reused for an event of another type. The key already belongs to a stored event (per tenant), so
/// the new event was not stored; returning the first event's receipt would have dropped it silently.
/// </summary>
public sealed class WebhookIdempotencyConflictException : WebhookException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public WebhookIdempotencyConflictException()
        : base("The idempotency key already belongs to an event of another type.")
    {
        IdempotencyKey = TenantId = StoredEventId = StoredEventType = EventType = string.Empty;
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public WebhookIdempotencyConflictException(string? message)
        : base(message)
    {
        IdempotencyKey = TenantId = StoredEventId = StoredEventType = EventType = string.Empty;
    }

    /// <summary>Initializes a new instance with the given message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public WebhookIdempotencyConflictException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        IdempotencyKey = TenantId = StoredEventId = StoredEventType = EventType = string.Empty;
    }

    /// <summary>Initializes a new instance for a key reused for another event type, with a message that names both.</summary>
    /// <param name="idempotencyKey">The reused key.</param>
    /// <param name="tenantId">The tenant the key belongs to; empty for none.</param>
    /// <param name="storedEventId">The id of the event that holds the key.</param>
    /// <param name="storedEventType">The type of the event that holds the key.</param>
    /// <param name="eventType">The type of the event that was not stored.</param>
    public WebhookIdempotencyConflictException(string idempotencyKey, string tenantId, string storedEventId, string storedEventType, string eventType)
        : base(BuildMessage(idempotencyKey, tenantId, storedEventId, storedEventType, eventType))
    {
        IdempotencyKey = idempotencyKey ?? string.Empty;
        TenantId = tenantId ?? string.Empty;
        StoredEventId = storedEventId ?? string.Empty;
        StoredEventType = storedEventType ?? string.Empty;
        EventType = eventType ?? string.Empty;
    }

    /// <summary>Gets the reused idempotency key.</summary>
    public string IdempotencyKey { get; }

    /// <summary>Gets the tenant the key belongs to; empty for none.</summary>
    public string TenantId { get; }

    /// <summary>Gets the id of the stored event that holds the key.</summary>
    public string StoredEventId { get; }

    /// <summary>Gets the type of the stored event that holds the key.</summary>
    public string StoredEventType { get; }

    /// <summary>Gets the type of the event that was published with the key and not stored.</summary>
    public string EventType { get; }

    private static string BuildMessage(string? idempotencyKey, string? tenantId, string? storedEventId, string? storedEventType, string? eventType)
    {
        var tenant = string.IsNullOrEmpty(tenantId) ? "no tenant" : $"tenant '{tenantId}'";
        return $"The idempotency key '{idempotencyKey}' ({tenant}) already belongs to event '{storedEventId}' of type " +
            $"'{storedEventType}', so this '{eventType}' event was not stored. An idempotency key stands for one event: give " +
            "each event its own key, for example by including the event type in it.";
    }
}
