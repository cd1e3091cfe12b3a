namespace Choreblimey.Webhooks;

/// <summary>A tenant's usage over a window (for billing or quotas); test sends are excluded.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="From">The inclusive start of the window.</param>
/// <param name="Before">The exclusive end of the window.</param>
/// <param name="EventsPublished">Events published in the window.</param>
/// <param name="Deliveries">Deliveries created in the window (one per event and matching subscription).</param>
/// <param name="Attempts">HTTP attempts made in the window.</param>
public sealed record WebhookUsage(string TenantId, DateTimeOffset From, DateTimeOffset Before, long EventsPublished, long Deliveries, long Attempts);
