namespace Choreblimey.Webhooks;

/// <summary>Publishing and delivery totals of one event type, computed by the store.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="Published">Events of this type published.</param>
/// <param name="LastPublishedAt">When the latest one was published.</param>
/// <param name="Deliveries">Deliveries of them.</param>
/// <param name="Succeeded">Deliveries that succeeded.</param>
/// <param name="DeadLettered">Deliveries that were dead-lettered.</param>
public sealed record WebhookEventTypeSummary(string EventType, long Published, DateTimeOffset? LastPublishedAt, long Deliveries, long Succeeded, long DeadLettered);
