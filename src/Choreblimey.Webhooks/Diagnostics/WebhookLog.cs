using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Diagnostics;

/// <summary>Source-generated log messages. Never pass secrets, signatures or payloads to these.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(1, LogLevel.Debug, "Published {EventType} {EventId} for tenant '{TenantId}' with {DeliveryCount} deliveries")]
    public static partial void Published(ILogger logger, string eventType, string eventId, string tenantId, int deliveryCount);

    [LoggerMessage(2, LogLevel.Debug, "Duplicate publish of {EventType} for tenant '{TenantId}': idempotency key already used by {EventId}")]
    public static partial void DuplicatePublish(ILogger logger, string eventType, string tenantId, string eventId);

    // The exception is given only when the host's own code failed (a JSON converter that threw): bad input is stated by the
    // reason, and its stack trace (some 60 frames for a payload nested too deep) told nothing more while letting a caller's
    // bad input flood the log.
    [LoggerMessage(3, LogLevel.Error, "Rejected publish of {EventType}: {Reason}")]
    public static partial void PublishRejected(ILogger logger, string eventType, string reason, Exception? exception);

    [LoggerMessage(4, LogLevel.Debug, "Webhooks are disabled; {EventType} was not published")]
    public static partial void PublishDisabled(ILogger logger, string eventType);

    [LoggerMessage(5, LogLevel.Error, "Publish of {EventType} for tenant '{TenantId}' failed: the store could not save it, so it will not be delivered")]
    public static partial void PublishFailed(ILogger logger, string eventType, string tenantId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Publish of {EventType} for tenant '{TenantId}' reused the idempotency key of {EventId}, whose event type could not be read back to compare; reported as a duplicate")]
    public static partial void DuplicateNotCompared(ILogger logger, string eventType, string tenantId, string eventId, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Delivery {DeliveryId} of {EventId} to {SubscriptionId} succeeded with {StatusCode} in {DurationMs} ms (attempt {Attempt})")]
    public static partial void AttemptSucceeded(ILogger logger, string deliveryId, string eventId, string subscriptionId, int statusCode, double durationMs, int attempt);

    // The status is text ("none" when there was no response): a missing int printed as nothing ("status )").
    [LoggerMessage(11, LogLevel.Warning, "Delivery {DeliveryId} of {EventId} to {SubscriptionId} failed on attempt {Attempt} ({Outcome}, HTTP status {StatusCode}); next attempt at {NextAttemptAt:O}: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string deliveryId, string eventId, string subscriptionId, int attempt, WebhookAttemptOutcome outcome, string statusCode, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(12, LogLevel.Error, "Delivery {DeliveryId} of {EventId} to {SubscriptionId} dead-lettered on attempt {Attempt} ({Outcome}, HTTP status {StatusCode}): {Error}")]
    public static partial void DeadLettered(ILogger logger, string deliveryId, string eventId, string subscriptionId, int attempt, WebhookAttemptOutcome outcome, string statusCode, string? error);

    /// <summary>An attempt's HTTP status for the log: the number, or "none" when no response came.</summary>
    public static string StatusText(int? statusCode) => statusCode?.ToString(CultureInfo.InvariantCulture) ?? "none";

    [LoggerMessage(13, LogLevel.Warning, "Subscription {SubscriptionId} of tenant '{TenantId}' disabled: {Reason}")]
    public static partial void SubscriptionDisabled(ILogger logger, string subscriptionId, string tenantId, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Lost the lease on delivery {DeliveryId} before recording its outcome; another worker owns it now")]
    public static partial void LeaseLost(ILogger logger, string deliveryId);

    [LoggerMessage(15, LogLevel.Error, "The delivery worker failed to claim or record work; retrying in {Delay}")]
    public static partial void WorkerLoopFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "Delivery worker {WorkerId} started (concurrency {Concurrency}, per endpoint {PerEndpoint})")]
    public static partial void WorkerStarted(ILogger logger, string workerId, int concurrency, int perEndpoint);

    [LoggerMessage(17, LogLevel.Information, "Delivery worker {WorkerId} stopping; waiting for {InFlight} in-flight attempts")]
    public static partial void WorkerStopping(ILogger logger, string workerId, int inFlight);

    [LoggerMessage(18, LogLevel.Debug, "Circuit open for subscription {SubscriptionId}; delivery {DeliveryId} postponed to {DueAt:O}")]
    public static partial void CircuitOpen(ILogger logger, string subscriptionId, string deliveryId, DateTimeOffset dueAt);

    [LoggerMessage(19, LogLevel.Error, "Processing delivery {DeliveryId} failed unexpectedly; its lease will lapse and it will be retried")]
    public static partial void ProcessingFailed(ILogger logger, string deliveryId, Exception exception);

    [LoggerMessage(200, LogLevel.Warning, "Address guard refused {Address} for host {Host}: {Reason}")]
    public static partial void AddressRefused(ILogger logger, string host, string address, string reason);

    [LoggerMessage(201, LogLevel.Debug, "Connected to {Address}:{Port} for host {Host}")]
    public static partial void Connected(ILogger logger, string host, string address, int port);

    [LoggerMessage(202, LogLevel.Warning, "Refused to send to host {Host} before connecting: {Reason}")]
    public static partial void SendRefused(ILogger logger, string host, string reason);

    [LoggerMessage(203, LogLevel.Warning, "The delivery HttpClient's primary handler is {Handler}: the address guard does not check where deliveries connect (no SSRF protection). To change the client's settings, configure the library's handler instead of replacing it: ConfigureHttpClient(c => c.ConfigurePrimaryHttpMessageHandler((handler, services) => ...)), and leave its ConnectCallback as it is")]
    public static partial void AddressGuardBypassed(ILogger logger, string handler);

    [LoggerMessage(204, LogLevel.Warning, "The delivery HttpClient's handler could not be created, so every delivery will fail until its configuration is fixed: {Error}")]
    public static partial void DeliveryHandlerFailed(ILogger logger, string error);

    [LoggerMessage(300, LogLevel.Warning, "Webhook notifier {Notifier} failed in {Operation}; the worker carries on")]
    public static partial void NotifierFailed(ILogger logger, string notifier, string operation, Exception exception);

    [LoggerMessage(301, LogLevel.Warning, "Publishing the operational event {EventType} for tenant '{TenantId}' failed")]
    public static partial void OperationalEventFailed(ILogger logger, string eventType, string tenantId, Exception exception);

    [LoggerMessage(302, LogLevel.Information, "Retention purge removed {Deliveries} deliveries, {Attempts} attempts and {Messages} messages")]
    public static partial void Purged(ILogger logger, long deliveries, long attempts, long messages);

    [LoggerMessage(303, LogLevel.Error, "Retention purge failed; retrying at the next interval")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(304, LogLevel.Warning, "The webhook store does not support {Operation}; it is turned off")]
    public static partial void StoreOperationUnsupported(ILogger logger, string operation);

    [LoggerMessage(305, LogLevel.Warning, "Sampling the webhook backlog failed")]
    public static partial void BacklogSampleFailed(ILogger logger, Exception exception);

    [LoggerMessage(310, LogLevel.Warning, "Reading or writing the failure streak of subscription {SubscriptionId} in the store failed; this process counts the streak from its own first failure meanwhile")]
    public static partial void FailureStreakStoreFailed(ILogger logger, string subscriptionId, Exception exception);

    [LoggerMessage(306, LogLevel.Information, "Test event {EventId} to subscription {SubscriptionId}: {Outcome}, status {StatusCode}")]
    public static partial void TestSent(ILogger logger, string eventId, string subscriptionId, WebhookAttemptOutcome outcome, int? statusCode);

    [LoggerMessage(307, LogLevel.Information, "Delivery {DeliveryId} of tenant '{TenantId}' re-queued for retry")]
    public static partial void DeliveryRetried(ILogger logger, string deliveryId, string tenantId);

    [LoggerMessage(308, LogLevel.Information, "Re-queued {Count} failed deliveries of subscription {SubscriptionId} of tenant '{TenantId}'")]
    public static partial void DeliveriesRecovered(ILogger logger, int count, string subscriptionId, string tenantId);

    [LoggerMessage(309, LogLevel.Information, "Subscription {SubscriptionId} of tenant '{TenantId}' enabled; {Count} held deliveries re-queued")]
    public static partial void SubscriptionEnabled(ILogger logger, string subscriptionId, string tenantId, int count);
}
