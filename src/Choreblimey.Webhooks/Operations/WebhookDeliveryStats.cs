namespace Choreblimey.Webhooks;

/// <summary>
/// Delivery counts, outcome times and attempt latency for a tenant or one subscription over a window, computed by the store.
/// Test sends (<see cref="WebhookOperationalEvents.Test"/> and attempts with <see cref="WebhookAttempt.IsTest"/>) are excluded.
/// </summary>
public sealed record WebhookDeliveryStats
{
    /// <summary>Gets how many deliveries were created in the window.</summary>
    public long Total { get; init; }

    /// <summary>Gets how many of them succeeded.</summary>
    public long Succeeded { get; init; }

    /// <summary>Gets how many of them were dead-lettered.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Gets how many of them are pending after at least one failed attempt.</summary>
    public long Failing { get; init; }

    /// <summary>Gets how many of them are pending and have not failed yet.</summary>
    public long Pending => Total - Succeeded - DeadLettered - Failing;

    /// <summary>Gets the failed deliveries: dead-lettered plus failing.</summary>
    public long Failed => DeadLettered + Failing;

    /// <summary>Gets <see cref="Succeeded"/> over the deliveries that have an outcome or a failure so far (0 to 1), or <see langword="null"/> when there are none.</summary>
    public double? SuccessRate => Succeeded + Failed == 0 ? null : (double)Succeeded / (Succeeded + Failed);

    /// <summary>Gets the start of the latest successful attempt in the window.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>Gets the start of the latest failed attempt in the window.</summary>
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>Gets the median attempt duration in the window.</summary>
    public TimeSpan? LatencyP50 { get; init; }

    /// <summary>Gets the 95th percentile attempt duration in the window.</summary>
    public TimeSpan? LatencyP95 { get; init; }
}
