namespace Choreblimey.Webhooks;

/// <summary>The event types the library itself publishes (see <c>AddOperationalEvents()</c>) or sends (test events).</summary>
public static class WebhookOperationalEvents
{
    /// <summary>The category the operational events are declared under.</summary>
    public const string Category = "Webhooks";

    /// <summary>Published to a tenant's subscriptions when one of its endpoints is disabled.</summary>
    public const string EndpointDisabled = "webhook.endpoint.disabled";

    /// <summary>Published to a tenant's subscriptions when one of its deliveries is dead-lettered.</summary>
    public const string DeliveryDeadLettered = "webhook.delivery.dead_lettered";

    /// <summary>The event type of test sends; never counted in statistics, usage or coverage.</summary>
    public const string Test = "webhook.test";

    /// <summary>Gets whether an event type is one of the library's own (they never trigger further operational events).</summary>
    /// <param name="eventType">The event type.</param>
    /// <returns><see langword="true"/> for <c>webhook.*</c> event types.</returns>
    public static bool IsOperational(string eventType) =>
        eventType is not null && eventType.StartsWith("webhook.", StringComparison.Ordinal);
}
