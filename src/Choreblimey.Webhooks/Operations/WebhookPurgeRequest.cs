namespace Choreblimey.Webhooks;

/// <summary>
/// One bounded purge batch: finished deliveries (with their attempts) completed before their cutoff, and messages older than
/// <see cref="MessagesBefore"/> with no remaining deliveries. Pending deliveries are never purged.
/// </summary>
public sealed record WebhookPurgeRequest
{
    /// <summary>Gets the cutoff on <see cref="WebhookDelivery.CompletedAt"/> for succeeded deliveries.</summary>
    public required DateTimeOffset SucceededBefore { get; init; }

    /// <summary>Gets the cutoff on <see cref="WebhookDelivery.CompletedAt"/> for dead-lettered deliveries.</summary>
    public required DateTimeOffset FailedBefore { get; init; }

    /// <summary>Gets the cutoff on <see cref="WebhookMessage.Timestamp"/> for messages left without deliveries.</summary>
    public required DateTimeOffset MessagesBefore { get; init; }

    /// <summary>Gets cutoffs that replace the two above for particular event types.</summary>
    public IReadOnlyList<WebhookPurgeOverride> Overrides { get; init; } = [];

    /// <summary>Gets the most deliveries, and separately the most messages, one call removes. The default value is 1000.</summary>
    public int BatchSize { get; init; } = 1000;
}
