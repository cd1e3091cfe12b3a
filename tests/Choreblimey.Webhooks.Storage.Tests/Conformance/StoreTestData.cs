using System.Text;

namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>Builders for store records with explicit, deterministic ids and times.</summary>
public static class StoreTestData
{
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";

    /// <summary>A fixed instant with sub-millisecond ticks, so stores must keep times exactly.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560); // whole microseconds: stores keep at least microsecond precision

    public static string SubId(int n) => $"sub_{n:D6}";

    public static string MsgId(int n) => $"msg_{n:D6}";

    public static string DlvId(int n) => $"dlv_{n:D6}";

    public static byte[] Payload(int n) => Encoding.UTF8.GetBytes($$$"""{"n":{{{n}}},"text":"Grüße, ✓ \u0000 end","nested":{"a":[1,2,3]}}""");

    public static WebhookSubscription Subscription(
        string id,
        string tenantId = TenantA,
        IReadOnlyList<string>? patterns = null,
        WebhookSubscriptionState state = WebhookSubscriptionState.Active) => new()
        {
            Id = id,
            TenantId = tenantId,
            Url = new Uri($"https://receiver.example/hooks/{id}"),
            EventPatterns = patterns ?? ["booking.created"],
            Secrets = [new WebhookSigningSecret(WebhookSecret.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()))],
            State = state,
            CreatedAt = T0,
            UpdatedAt = T0,
        };

    public static WebhookSubscription FullSubscription(string id, string tenantId = TenantA) => new()
    {
        Id = id,
        TenantId = tenantId,
        Url = new Uri("https://receiver.example/hooks/full?x=1"),
        EventPatterns = ["booking.*", "invoice.paid"],
        Secrets =
        [
            new WebhookSigningSecret(WebhookSecret.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())),
            new WebhookSigningSecret(WebhookSecret.FromBytes(Enumerable.Range(100, 24).Select(i => (byte)i).ToArray()), T0.AddDays(1)),
        ],
        State = WebhookSubscriptionState.Disabled,
        DisabledReason = "410 Gone",
        Description = "Full subscription",
        MaxAttempts = 4,
        RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)],
        Timeout = TimeSpan.FromSeconds(12),
        Headers = new Dictionary<string, string> { ["X-Custom"] = "1", ["X-Other"] = "two" },
        Metadata = new Dictionary<string, string> { ["owner"] = "ops" },
        Filters =
        [
            new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds", "york", "Zürich ✓"]),
            new WebhookAttributeFilter("stock", WebhookFilterOperator.LessThanOrEqual, ["5.25"]),
            new WebhookAttributeFilter("tier", WebhookFilterOperator.Equals, ["gold"]),
        ],
        RateLimitPerSecond = 12.5,
        SignatureProfile = "jossiedb",
        Envelope = "make",
        CreatedAt = T0,
        UpdatedAt = T0.AddMinutes(3),
    };

    public static WebhookMessage Message(
        string id,
        string tenantId = TenantA,
        string eventType = "booking.created",
        string? idempotencyKey = null,
        int payload = 1) => new()
        {
            Id = id,
            TenantId = tenantId,
            EventType = eventType,
            Timestamp = T0,
            Actor = "user_42",
            Data = Payload(payload),
            IdempotencyKey = idempotencyKey,
        };

    public static WebhookDelivery Delivery(
        string id,
        WebhookMessage message,
        string subscriptionId = "sub_000001",
        DateTimeOffset? createdAt = null,
        DateTimeOffset? nextAttemptAt = null,
        WebhookDeliveryStatus status = WebhookDeliveryStatus.Pending,
        int attemptCount = 0,
        WebhookPriority priority = WebhookPriority.Normal) => new()
        {
            Id = id,
            TenantId = message.TenantId,
            Priority = priority,
            MessageId = message.Id,
            SubscriptionId = subscriptionId,
            EventType = message.EventType,
            Status = status,
            AttemptCount = attemptCount,
            NextAttemptAt = nextAttemptAt ?? T0,
            CreatedAt = createdAt ?? T0,
            CompletedAt = status == WebhookDeliveryStatus.Pending ? null : createdAt ?? T0,
        };

    public static WebhookAttempt Attempt(
        WebhookDelivery delivery,
        int number,
        DateTimeOffset startedAt,
        WebhookAttemptOutcome outcome = WebhookAttemptOutcome.HttpError,
        int? statusCode = 500,
        bool isTest = false) => new()
        {
            DeliveryId = delivery.Id,
            TenantId = delivery.TenantId,
            AttemptNumber = number,
            StartedAt = startedAt,
            Duration = TimeSpan.FromTicks(1_234_560),
            Outcome = outcome,
            StatusCode = statusCode,
            ResponseBody = statusCode is null ? null : $"body of attempt {number} ✓",
            Error = outcome == WebhookAttemptOutcome.Succeeded ? null : $"error {number}",
            IsTest = isTest,
        };
}
