namespace Choreblimey.Webhooks;

/// <summary>Asks a store for up to <see cref="MaxCount"/> due deliveries, leased to <see cref="Owner"/>.</summary>
/// <param name="Owner">The claiming worker's id.</param>
/// <param name="MaxCount">The most deliveries to claim.</param>
/// <param name="Now">The current time: deliveries with <see cref="WebhookDelivery.NextAttemptAt"/> at or before it are due.</param>
/// <param name="LeaseDuration">How long the lease lasts before the delivery is due again.</param>
public readonly record struct WebhookClaimRequest(string Owner, int MaxCount, DateTimeOffset Now, TimeSpan LeaseDuration);
