namespace Choreblimey.Webhooks;

/// <summary>One declared event in a <see cref="WebhookCoverageReport"/>.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="Category">Its category.</param>
/// <param name="Published">How many times it was published.</param>
/// <param name="LastPublishedAt">When it was last published.</param>
/// <param name="ActiveSubscriptions">Active subscriptions listening to it, the tenant's own and the host-level ones (only for a one-tenant report).</param>
/// <param name="Deliveries">Deliveries of it.</param>
/// <param name="SuccessRate">Succeeded over finished deliveries (0 to 1), when any finished.</param>
public sealed record WebhookCoverageEntry(
    string EventType,
    string Category,
    long Published,
    DateTimeOffset? LastPublishedAt,
    int? ActiveSubscriptions,
    long Deliveries,
    double? SuccessRate);
