namespace Choreblimey.Webhooks.Testing;

/// <summary>A delivery of one event to one subscription, with every attempt made so far.</summary>
public sealed record WebhookTestDelivery
{
    /// <summary>Gets the delivery id.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>Gets the subscription it is bound for.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>Gets the tenant; <see langword="null"/> for the default tenant.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the event id.</summary>
    public required string EventId { get; init; }

    /// <summary>Gets the event type.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the state.</summary>
    public required WebhookDeliveryStatus Status { get; init; }

    /// <summary>Gets the attempts, oldest first.</summary>
    public required IReadOnlyList<WebhookAttempt> Attempts { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{EventType} -> {SubscriptionId}: {Status} after {Attempts.Count} {(Attempts.Count == 1 ? "attempt" : "attempts")} [{string.Join(", ", Attempts.Select(a => a.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? a.Outcome.ToString()))}]";
}
