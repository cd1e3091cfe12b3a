using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>Source-generated log messages of routing, configured endpoints and delivery shaping (event ids 100-199). Never pass secrets.</summary>
internal static partial class WebhookRoutingLog
{
    [LoggerMessage(100, LogLevel.Debug, "No destination is configured for {EventType} (tenant '{TenantId}'): {Keys} is not set; the route was skipped")]
    public static partial void DestinationSkipped(ILogger logger, string eventType, string tenantId, string keys);

    [LoggerMessage(101, LogLevel.Information, "Configured webhook endpoint {SubscriptionId} of tenant '{TenantId}' is in place for {EventPatterns}")]
    public static partial void ConfiguredEndpointReady(ILogger logger, string subscriptionId, string tenantId, string eventPatterns);

    [LoggerMessage(102, LogLevel.Debug, "Webhooks are disabled; {Count} configured endpoints were not stored")]
    public static partial void ConfiguredEndpointsSkipped(ILogger logger, int count);

    [LoggerMessage(103, LogLevel.Debug, "Delivery {DeliveryId} to {SubscriptionId} is rate limited; postponed to {DueAt:O}")]
    public static partial void RateLimited(ILogger logger, string deliveryId, string subscriptionId, DateTimeOffset dueAt);

    [LoggerMessage(104, LogLevel.Warning, "Delivery {DeliveryId} of {EventId} to {SubscriptionId} expired: the event is older than its time to live {TimeToLive}")]
    public static partial void DeliveryExpired(ILogger logger, string deliveryId, string eventId, string subscriptionId, TimeSpan timeToLive);

    [LoggerMessage(105, LogLevel.Debug, "Subscription {SubscriptionId} resumed; {Count} held deliveries are due now")]
    public static partial void Resumed(ILogger logger, string subscriptionId, int count);

    [LoggerMessage(106, LogLevel.Warning, "Configured webhook subscription {SubscriptionId} of tenant '{TenantId}' was deleted: the configuration no longer declares it")]
    public static partial void ConfiguredEndpointRemoved(ILogger logger, string subscriptionId, string tenantId);
}
