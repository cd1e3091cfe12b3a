using System.Text.Json;

namespace Choreblimey.Webhooks.Testing;

/// <summary>
/// Wraps the in-memory store and keeps the harness's record: every stored event, every delivery's attempts and state, and
/// which leases the worker holds (so the harness knows when the worker is idle).
/// </summary>
internal sealed class WebhookHarnessStore(IWebhookStore inner, JsonSerializerOptions? serializerOptions = null) : IWebhookStore
{
    private readonly Lock _gate = new();
    private readonly List<WebhookPublishedEvent> _published = [];
    private readonly List<string> _deliveryOrder = [];
    private readonly Dictionary<string, DeliveryRecord> _deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _leases = new(StringComparer.Ordinal);

    // A claim counts as outstanding from before it reaches the store: once the store has leased a delivery (moving its due
    // time to the lease's expiry) and before the leases are noted here, an idle check would otherwise see no lease and take
    // that expiry for the next retry.
    private int _claimsInProgress;

    public IWebhookStore Inner => inner;

    /// <summary>Gets the leases held, counting each claim still in progress as one.</summary>
    public int OutstandingLeases
    {
        get
        {
            lock (_gate)
            {
                return _leases.Count + _claimsInProgress;
            }
        }
    }

    public IReadOnlyList<WebhookPublishedEvent> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    public IReadOnlyList<WebhookTestDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveryOrder.Select(id => _deliveries[id].Snapshot())];
            }
        }
    }

    public ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) =>
        inner.CreateSubscriptionAsync(subscription, cancellationToken);

    public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default) =>
        inner.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken);

    public ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default) =>
        inner.ListSubscriptionsAsync(tenantId, query, cancellationToken);

    public ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        inner.GetTenantSubscriptionsAsync(tenantId, cancellationToken);

    public ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default) =>
        inner.UpdateSubscriptionAsync(subscription, cancellationToken);

    public ValueTask<WebhookSubscriptionUpdateResult> UpdateSubscriptionIfUnchangedAsync(WebhookSubscription subscription, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default) =>
        inner.UpdateSubscriptionIfUnchangedAsync(subscription, expectedUpdatedAt, cancellationToken);

    public ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default) =>
        inner.DeleteSubscriptionAsync(tenantId, subscriptionId, cancellationToken);

    public ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default) =>
        inner.GetSubscriptionVersionAsync(cancellationToken);

    public async ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(deliveries);

        // Recorded before the write: an awake worker may claim and attempt a delivery before the insert call returns.
        using var document = JsonDocument.Parse(message.Data);
        var published = new WebhookPublishedEvent
        {
            EventId = message.Id,
            EventType = message.EventType,
            TenantId = message.TenantId.Length == 0 ? null : message.TenantId,
            Actor = message.Actor,
            IdempotencyKey = message.IdempotencyKey,
            Timestamp = message.Timestamp,
            Data = document.RootElement.Clone(),
            SubscriptionIds = [.. deliveries.Select(d => d.SubscriptionId)],
            SerializerOptions = serializerOptions,
        };
        lock (_gate)
        {
            foreach (var delivery in deliveries)
            {
                _deliveryOrder.Add(delivery.Id);
                _deliveries[delivery.Id] = new DeliveryRecord(delivery);
            }
        }

        var stored = false;
        try
        {
            var result = await inner.InsertMessageAsync(message, deliveries, cancellationToken).ConfigureAwait(false);
            stored = !result.IsDuplicate;
            return result;
        }
        finally
        {
            lock (_gate)
            {
                if (stored)
                {
                    _published.Add(published);
                }
                else
                {
                    foreach (var delivery in deliveries)
                    {
                        _deliveryOrder.Remove(delivery.Id);
                        _deliveries.Remove(delivery.Id);
                    }
                }
            }
        }
    }

    public async ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _claimsInProgress++;
        }

        IReadOnlyList<WebhookDeliveryLease>? leases = null;
        try
        {
            leases = await inner.ClaimDueDeliveriesAsync(request, cancellationToken).ConfigureAwait(false);
            return leases;
        }
        finally
        {
            lock (_gate)
            {
                _claimsInProgress--;
                foreach (var lease in leases ?? [])
                {
                    _leases[lease.Delivery.Id] = lease.FencingToken;
                }
            }
        }
    }

    public async ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var applied = await inner.RecordAttemptAsync(record, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (applied && _deliveries.TryGetValue(record.DeliveryId, out var delivery))
            {
                delivery.Attempts.Add(record.Attempt);
                delivery.Status = record.NewStatus;
            }

            EndLease(record.DeliveryId, record.FencingToken);
        }

        return applied;
    }

    public async ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default)
    {
        var applied = await inner.ReleaseLeaseAsync(release, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            EndLease(release.DeliveryId, release.FencingToken);
        }

        return applied;
    }

    public ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default) =>
        inner.GetNextDueTimeAsync(cancellationToken);

    public ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default) =>
        inner.GetMessageAsync(tenantId, messageId, cancellationToken);

    public ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default) =>
        inner.GetDeliveryAsync(tenantId, deliveryId, cancellationToken);

    public ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default) =>
        inner.GetAttemptsAsync(tenantId, deliveryId, cancellationToken);

    // The delivery operations (statistics, usage, bulk re-queue, retention purge, backlog, coverage) are answered by the inner
    // store, so IWebhookOperations, the health check and the retention service work under the harness. A purge leaves the
    // harness's own record of deliveries alone: it is the test's history, not the delivery log.
    public ValueTask<WebhookDeliveryStats> GetDeliveryStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default) =>
        inner.GetDeliveryStatsAsync(query, cancellationToken);

    public ValueTask<WebhookUsage> GetUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default) =>
        inner.GetUsageAsync(tenantId, from, before, cancellationToken);

    public ValueTask<int> RequeueDeliveriesAsync(WebhookRequeueRequest request, CancellationToken cancellationToken = default) =>
        inner.RequeueDeliveriesAsync(request, cancellationToken);

    public ValueTask<WebhookPurgeResult> PurgeAsync(WebhookPurgeRequest request, CancellationToken cancellationToken = default) =>
        inner.PurgeAsync(request, cancellationToken);

    public ValueTask<WebhookBacklog> GetBacklogAsync(DateTimeOffset deadLetteredSince, CancellationToken cancellationToken = default) =>
        inner.GetBacklogAsync(deadLetteredSince, cancellationToken);

    public ValueTask<DateTimeOffset> StartFailureStreakAsync(string subscriptionId, DateTimeOffset failedAt, CancellationToken cancellationToken = default) =>
        inner.StartFailureStreakAsync(subscriptionId, failedAt, cancellationToken);

    public ValueTask EndFailureStreakAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        inner.EndFailureStreakAsync(subscriptionId, cancellationToken);

    public ValueTask<IReadOnlyList<WebhookEventTypeSummary>> GetEventTypeSummariesAsync(string? tenantId, DateTimeOffset? from, CancellationToken cancellationToken = default) =>
        inner.GetEventTypeSummariesAsync(tenantId, from, cancellationToken);

    public ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryDeliveriesAsync(query, cancellationToken);

    public async ValueTask<bool> RequeueDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        var requeued = await inner.RequeueDeliveryAsync(tenantId, deliveryId, dueAt, cancellationToken).ConfigureAwait(false);
        if (requeued)
        {
            NoteRequeued(deliveryId);
        }

        return requeued;
    }

    // Forwarded (not left to the interface's default), so that a retry under the harness gets the inner store's one-step
    // check; a refused re-queue leaves the worker's lease, and so the harness's record of it, as it was.
    public async ValueTask<WebhookDeliveryRequeueResult> RequeueDeliveryIfNotLeasedAsync(string tenantId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var result = await inner.RequeueDeliveryIfNotLeasedAsync(tenantId, deliveryId, now, cancellationToken).ConfigureAwait(false);
        if (result == WebhookDeliveryRequeueResult.Requeued)
        {
            NoteRequeued(deliveryId);
        }

        return result;
    }

    private void NoteRequeued(string deliveryId)
    {
        lock (_gate)
        {
            _leases.Remove(deliveryId);
            if (_deliveries.TryGetValue(deliveryId, out var delivery))
            {
                delivery.Status = WebhookDeliveryStatus.Pending;
            }
        }
    }

    private void EndLease(string deliveryId, long fencingToken)
    {
        if (_leases.TryGetValue(deliveryId, out var token) && token == fencingToken)
        {
            _leases.Remove(deliveryId);
        }
    }

    private sealed class DeliveryRecord(WebhookDelivery delivery)
    {
        public List<WebhookAttempt> Attempts { get; } = [];

        public WebhookDeliveryStatus Status { get; set; } = delivery.Status;

        public WebhookTestDelivery Snapshot() => new()
        {
            DeliveryId = delivery.Id,
            SubscriptionId = delivery.SubscriptionId,
            TenantId = delivery.TenantId.Length == 0 ? null : delivery.TenantId,
            EventId = delivery.MessageId,
            EventType = delivery.EventType,
            Status = Status,
            Attempts = [.. Attempts],
        };
    }
}
