namespace Choreblimey.Webhooks;

/// <summary>Purge cutoffs for one event type.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="SucceededBefore">The cutoff for its succeeded deliveries.</param>
/// <param name="FailedBefore">The cutoff for its dead-lettered deliveries.</param>
public sealed record WebhookPurgeOverride(string EventType, DateTimeOffset SucceededBefore, DateTimeOffset FailedBefore);
