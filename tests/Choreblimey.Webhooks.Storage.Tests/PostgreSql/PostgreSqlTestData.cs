using System.Text;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>Builders for store records. Times are whole milliseconds, because the store keeps microseconds.</summary>
internal static class PostgreSqlTestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static WebhookSubscription Subscription(string tenantId, string? id = null, params string[] patterns) => new()
    {
        Id = id ?? NewId("sub"),
        TenantId = tenantId,
        Url = new Uri("https://receiver.example/hooks"),
        EventPatterns = patterns.Length == 0 ? ["chore.created"] : patterns,
        Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
        Description = "test",
        Headers = new Dictionary<string, string> { ["x-test"] = "1" },
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    public static WebhookMessage Message(string tenantId, string? idempotencyKey = null, string eventType = "chore.created") => new()
    {
        Id = NewId("msg"),
        TenantId = tenantId,
        EventType = eventType,
        Timestamp = T0.AddMilliseconds(123),
        Actor = "user_1",
        Data = Encoding.UTF8.GetBytes("{\"name\":\"dishes\"}"),
        IdempotencyKey = idempotencyKey,
    };

    public static WebhookDelivery Delivery(WebhookMessage message, string? subscriptionId = null, DateTimeOffset? dueAt = null) => new()
    {
        Id = NewId("dlv"),
        TenantId = message.TenantId,
        MessageId = message.Id,
        SubscriptionId = subscriptionId ?? NewId("sub"),
        EventType = message.EventType,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = dueAt ?? T0,
        CreatedAt = T0,
    };

    public static WebhookDelivery[] Deliveries(WebhookMessage message, int count, DateTimeOffset? dueAt = null) =>
        [.. Enumerable.Range(0, count).Select(_ => Delivery(message, dueAt: dueAt))];

    public static WebhookAttempt Attempt(WebhookDelivery delivery, int number, WebhookAttemptOutcome outcome = WebhookAttemptOutcome.HttpError, int? statusCode = 500) => new()
    {
        DeliveryId = delivery.Id,
        TenantId = delivery.TenantId,
        AttemptNumber = number,
        StartedAt = T0.AddSeconds(number),
        Duration = TimeSpan.FromMilliseconds(250),
        Outcome = outcome,
        StatusCode = statusCode,
        ResponseBody = "body " + number,
        Error = outcome == WebhookAttemptOutcome.Succeeded ? null : "failed " + number,
    };
}
