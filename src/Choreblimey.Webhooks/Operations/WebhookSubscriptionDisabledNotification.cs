namespace Choreblimey.Webhooks;

/// <summary>A subscription the library disabled. Also the payload of <see cref="WebhookOperationalEvents.EndpointDisabled"/>.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Reason">Why it was disabled.</param>
/// <param name="DisabledAt">When.</param>
public sealed record WebhookSubscriptionDisabledNotification(string TenantId, string SubscriptionId, string Reason, DateTimeOffset DisabledAt);
