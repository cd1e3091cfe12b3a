namespace Choreblimey.Webhooks;

/// <summary>The store-wide queue state, for gauges and health checks.</summary>
/// <param name="PendingCount">Pending deliveries (due, scheduled or held).</param>
/// <param name="OldestPendingCreatedAt">When the oldest pending delivery was created; <see langword="null"/> when none is pending.</param>
/// <param name="DeadLetteredSince">Deliveries dead-lettered since the time asked for.</param>
public readonly record struct WebhookBacklog(long PendingCount, DateTimeOffset? OldestPendingCreatedAt, long DeadLetteredSince);
