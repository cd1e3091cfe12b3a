using Choreblimey.Webhooks.Storage.Tests.Conformance;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.SchemaUpgrade;

/// <summary>
/// The rows an upgrade test writes into an old schema by hand (one subscription, one message, a pending and a succeeded
/// delivery, an attempt each), and the checks that they read back unchanged through the upgraded store.
/// </summary>
internal sealed class LegacyRows
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>Builds the rows; a version 1 schema has no traceparent column, so its message has none.</summary>
    public LegacyRows(int schemaVersion)
    {
        Subscription = FullSubscription(SubId(1));
        Message = StoreTestData.Message(MsgId(1), idempotencyKey: "order-1") with { TraceParent = schemaVersion >= 2 ? TraceParent : null };
        Pending = StoreTestData.Delivery(DlvId(1), Message, subscriptionId: Subscription.Id, attemptCount: 1) with { LastStatusCode = 500, LastError = "error 1" };
        Succeeded = StoreTestData.Delivery(DlvId(2), Message, subscriptionId: Subscription.Id, status: WebhookDeliveryStatus.Succeeded, attemptCount: 1) with { LastStatusCode = 200 };
        Attempts = [Attempt(Pending, 1, T0.AddSeconds(1)), Attempt(Succeeded, 1, T0.AddSeconds(2), WebhookAttemptOutcome.Succeeded, 200)];
    }

    public WebhookSubscription Subscription { get; }

    public WebhookMessage Message { get; }

    public WebhookDelivery Pending { get; }

    public WebhookDelivery Succeeded { get; }

    public IReadOnlyList<WebhookDelivery> Deliveries => [Pending, Succeeded];

    public IReadOnlyList<WebhookAttempt> Attempts { get; }

    /// <summary>Reads everything back through the store and checks that old and new data work together.</summary>
    public async Task AssertIntactAsync(IWebhookStore store)
    {
        StoreAssert.Equal(Subscription, await store.GetSubscriptionAsync(TenantA, Subscription.Id));
        Assert.Equal(1, await store.GetSubscriptionVersionAsync());
        StoreAssert.Equal(Message, await store.GetMessageAsync(TenantA, Message.Id));
        AssertDelivery(Pending, await store.GetDeliveryAsync(TenantA, Pending.Id));
        AssertDelivery(Succeeded, await store.GetDeliveryAsync(TenantA, Succeeded.Id));
        AssertAttempt(Attempts[0], Assert.Single(await store.GetAttemptsAsync(TenantA, Pending.Id)));
        AssertAttempt(Attempts[1], Assert.Single(await store.GetAttemptsAsync(TenantA, Succeeded.Id)));

        // The old idempotency index still holds.
        var again = await store.InsertMessageAsync(StoreTestData.Message(MsgId(2), idempotencyKey: "order-1"), []);
        Assert.True(again.IsDuplicate);
        Assert.Equal(Message.Id, again.MessageId);

        // The old pending delivery is claimable (at the default priority), and a new high-priority one goes before it.
        var urgent = StoreTestData.Message(MsgId(3));
        await store.InsertMessageAsync(urgent, [StoreTestData.Delivery(DlvId(3), urgent, subscriptionId: Subscription.Id, nextAttemptAt: T0.AddSeconds(5), priority: WebhookPriority.High)]);
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-1", 10, T0.AddMinutes(1), Lease));
        Assert.Equal([DlvId(3), DlvId(1)], leases.Select(l => l.Delivery.Id));
    }

    private static void AssertDelivery(WebhookDelivery expected, WebhookDelivery? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.TenantId, actual.TenantId);
        Assert.Equal(expected.MessageId, actual.MessageId);
        Assert.Equal(expected.SubscriptionId, actual.SubscriptionId);
        Assert.Equal(expected.EventType, actual.EventType);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.AttemptCount, actual.AttemptCount);
        Assert.Equal(expected.NextAttemptAt, actual.NextAttemptAt);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.CompletedAt, actual.CompletedAt);
        Assert.Equal(expected.LastStatusCode, actual.LastStatusCode);
        Assert.Equal(expected.LastError, actual.LastError);
        Assert.Equal(WebhookPriority.Normal, actual.Priority);
    }

    private static void AssertAttempt(WebhookAttempt expected, WebhookAttempt actual)
    {
        Assert.Equal(expected.DeliveryId, actual.DeliveryId);
        Assert.Equal(expected.AttemptNumber, actual.AttemptNumber);
        Assert.Equal(expected.StartedAt, actual.StartedAt);
        Assert.Equal(expected.Duration, actual.Duration);
        Assert.Equal(expected.Outcome, actual.Outcome);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.ResponseBody, actual.ResponseBody);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.IsTest, actual.IsTest);
    }
}
