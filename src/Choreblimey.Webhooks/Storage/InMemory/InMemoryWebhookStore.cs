using Choreblimey.Webhooks.Storage.Internal;

namespace Choreblimey.Webhooks;

/// <summary>
/// A thread-safe store that keeps everything in process memory.
/// </summary>
/// <remarks>
/// <para><b>Not durable:</b> every subscription, pending delivery and log entry is lost when the process exits. Use it for
/// tests and development; use the SQLite or PostgreSQL store in production.</para>
/// <para>It is the store <c>AddWebhooks()</c> registers when no other is chosen.</para>
/// </remarks>
public sealed partial class InMemoryWebhookStore : IWebhookStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, WebhookSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WebhookMessage> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string TenantId, string Key), string> _idempotencyKeys = [];
    private readonly Dictionary<string, DeliveryEntry> _deliveries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _deliveryCountByMessage = new(StringComparer.Ordinal);

    // Dead-lettered deliveries, kept up to date by DeliveryEntry itself, so that the backlog sample (every
    // BacklogSampleInterval, under the lock) reads the pending and dead-lettered deliveries, not the whole delivery log.
    private readonly HashSet<DeliveryEntry> _deadLettered = [];
    private readonly InMemoryTimeIndex _completed = new();
    private readonly InMemoryTimeIndex _messagesByTime = new();
    private readonly Dictionary<string, DateTimeOffset> _failingSince = new(StringComparer.Ordinal);

    // Pending deliveries: due ones by priority, then (due time, id), and leased ones by when their leases expire.
    private readonly InMemoryDueQueue _due = new();
    private long _subscriptionVersion;

    /// <inheritdoc />
    public ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_subscriptions.TryAdd(subscription.Id, subscription))
            {
                throw new InvalidOperationException($"A webhook subscription with id '{subscription.Id}' already exists.");
            }

            _subscriptionVersion++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(FindSubscription(tenantId, subscriptionId));
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var limit = query.WithLimitInRange().Limit;
        var after = WebhookContinuationToken.ParseSubscription(query);
        lock (_gate)
        {
            var rows = _subscriptions.Values
                .Where(s => s.TenantId == tenantId)
                .Where(s => after is null || string.CompareOrdinal(s.Id, after) > 0)
                .Where(s => query.State is null || s.State == query.State)
                .Where(s => query.EventType is null || WebhookEventPatterns.MatchesAny(s.EventPatterns, query.EventType))
                .OrderBy(s => s.Id, StringComparer.Ordinal)
                .Take(limit + 1)
                .ToList();
            return ValueTask.FromResult(ToPage(rows, limit, static s => WebhookContinuationToken.ForSubscription(s.Id)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<WebhookSubscription> rows = [.. _subscriptions.Values.Where(s => s.TenantId == tenantId).OrderBy(s => s.Id, StringComparer.Ordinal)];
            return ValueTask.FromResult(rows);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindSubscription(subscription.TenantId, subscription.Id) is null)
            {
                return ValueTask.FromResult(false);
            }

            _subscriptions[subscription.Id] = subscription;
            _subscriptionVersion++;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookSubscriptionUpdateResult> UpdateSubscriptionIfUnchangedAsync(WebhookSubscription subscription, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindSubscription(subscription.TenantId, subscription.Id) is not { } stored)
            {
                return ValueTask.FromResult(WebhookSubscriptionUpdateResult.NotFound);
            }

            if (stored.UpdatedAt != expectedUpdatedAt)
            {
                return ValueTask.FromResult(WebhookSubscriptionUpdateResult.Changed);
            }

            _subscriptions[subscription.Id] = subscription;
            _subscriptionVersion++;
            return ValueTask.FromResult(WebhookSubscriptionUpdateResult.Updated);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindSubscription(tenantId, subscriptionId) is null)
            {
                return ValueTask.FromResult(false);
            }

            _subscriptions.Remove(subscriptionId);
            _failingSince.Remove(subscriptionId);
            _subscriptionVersion++;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_subscriptionVersion);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(deliveries);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (message.IdempotencyKey is { } key && _idempotencyKeys.TryGetValue((message.TenantId, key), out var firstId))
            {
                return ValueTask.FromResult(new WebhookMessageInsertResult(firstId, _deliveryCountByMessage[firstId], IsDuplicate: true));
            }

            if (_messages.ContainsKey(message.Id))
            {
                throw new InvalidOperationException($"A webhook message with id '{message.Id}' already exists.");
            }

            for (var i = 0; i < deliveries.Count; i++)
            {
                if (_deliveries.ContainsKey(deliveries[i].Id))
                {
                    throw new InvalidOperationException($"A webhook delivery with id '{deliveries[i].Id}' already exists.");
                }
            }

            _messages.Add(message.Id, message);
            _messagesByTime.Add(message.Timestamp, message.Id);
            _deliveryCountByMessage.Add(message.Id, deliveries.Count);
            if (message.IdempotencyKey is { } newKey)
            {
                _idempotencyKeys.Add((message.TenantId, newKey), message.Id);
            }

            for (var i = 0; i < deliveries.Count; i++)
            {
                var delivery = deliveries[i];
                var entry = new DeliveryEntry(delivery, _deadLettered, _completed);
                _deliveries.Add(delivery.Id, entry);
                if (delivery.Status == WebhookDeliveryStatus.Pending)
                {
                    _due.Add(entry, delivery.NextAttemptAt);
                }
            }

            return ValueTask.FromResult(new WebhookMessageInsertResult(message.Id, deliveries.Count, IsDuplicate: false));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Owner, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxCount, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        if (request.MaxCount == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<WebhookDeliveryLease>>([]);
        }

        lock (_gate)
        {
            if (_due.NextDueAt is not { } next || next > request.Now)
            {
                return ValueTask.FromResult<IReadOnlyList<WebhookDeliveryLease>>([]);
            }

            var leaseExpiresAt = request.Now + request.LeaseDuration;
            var claimed = new List<WebhookDeliveryLease>(Math.Min(request.MaxCount, _due.Count));
            while (claimed.Count < request.MaxCount && _due.TryTakeDue(request.Now, out var item))
            {
                var entry = (DeliveryEntry)item;
                entry.Delivery = entry.Delivery with
                {
                    FencingToken = entry.Delivery.FencingToken + 1,
                    LeaseOwner = request.Owner,
                    NextAttemptAt = leaseExpiresAt,
                };
                _due.AddLeased(entry, leaseExpiresAt);
                claimed.Add(new WebhookDeliveryLease(entry.Delivery, _messages[entry.Delivery.MessageId], entry.Delivery.FencingToken, leaseExpiresAt));
            }

            return ValueTask.FromResult<IReadOnlyList<WebhookDeliveryLease>>(claimed);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!TryGetLeased(record.DeliveryId, record.FencingToken, out var entry))
            {
                return ValueTask.FromResult(false);
            }

            var current = entry.Delivery;
            _due.Remove(entry);
            var isFinal = record.NewStatus != WebhookDeliveryStatus.Pending;
            entry.Delivery = current with
            {
                Status = record.NewStatus,
                AttemptCount = current.AttemptCount + 1,
                NextAttemptAt = isFinal ? current.NextAttemptAt : record.NextAttemptAt,
                CompletedAt = isFinal ? record.Attempt.StartedAt + record.Attempt.Duration : null,
                LeaseOwner = null,
                LastStatusCode = record.Attempt.StatusCode,
                LastError = record.Attempt.Error,
            };
            entry.AddAttempt(record.Attempt);
            if (!isFinal)
            {
                _due.Add(entry, record.NextAttemptAt);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!TryGetLeased(release.DeliveryId, release.FencingToken, out var entry))
            {
                return ValueTask.FromResult(false);
            }

            entry.Delivery = entry.Delivery with { NextAttemptAt = release.DueAt, LeaseOwner = null };
            _due.Add(entry, release.DueAt);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<DateTimeOffset?>(_due.NextDueAt);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_messages.TryGetValue(messageId, out var message) && message.TenantId == tenantId ? message : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(FindDelivery(tenantId, deliveryId)?.Delivery);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<WebhookAttempt> attempts = FindDelivery(tenantId, deliveryId) is { } entry ? [.. entry.Attempts] : [];
            return ValueTask.FromResult(attempts);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var limit = query.WithLimitInRange().Limit;

        // Ids are time-sortable and the log is read by id, so only the token's id is used.
        var after = WebhookContinuationToken.ParseDelivery(query)?.Id;
        lock (_gate)
        {
            var rows = _deliveries.Values
                .Select(e => e.Delivery)
                // A host-level subscription's deliveries carry their events' tenants: "*" reads every tenant's.
                .Where(d => d.TenantId == query.TenantId || query.TenantId == WebhookTenants.All)
                .Where(d => after is null || string.CompareOrdinal(d.Id, after) < 0)
                .Where(d => query.SubscriptionId is null || d.SubscriptionId == query.SubscriptionId)
                .Where(d => query.MessageId is null || d.MessageId == query.MessageId)
                .Where(d => query.EventType is null || d.EventType == query.EventType)
                .Where(d => query.Status is null || d.Status == query.Status)
                .Where(d => !query.FailingOnly || (d.Status == WebhookDeliveryStatus.Pending && d.AttemptCount > 0))
                .Where(d => query.CreatedFrom is null || d.CreatedAt >= query.CreatedFrom)
                .Where(d => query.CreatedBefore is null || d.CreatedAt < query.CreatedBefore)
                .OrderByDescending(d => d.Id, StringComparer.Ordinal)
                .Take(limit + 1)
                .ToList();
            return ValueTask.FromResult(ToPage(rows, limit, static d => WebhookContinuationToken.ForDelivery(d.CreatedAt, d.Id)));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RequeueDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(RequeueOne(tenantId, deliveryId, dueAt, leaseCheckedAt: null, cancellationToken) == WebhookDeliveryRequeueResult.Requeued);

    /// <inheritdoc />
    public ValueTask<WebhookDeliveryRequeueResult> RequeueDeliveryIfNotLeasedAsync(string tenantId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(RequeueOne(tenantId, deliveryId, now, leaseCheckedAt: now, cancellationToken));

    /// <summary>Re-queues one delivery; with <paramref name="leaseCheckedAt"/>, not one whose lease is live then.</summary>
    private WebhookDeliveryRequeueResult RequeueOne(string tenantId, string deliveryId, DateTimeOffset dueAt, DateTimeOffset? leaseCheckedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FindDelivery(tenantId, deliveryId) is not { } entry)
            {
                return WebhookDeliveryRequeueResult.NotFound;
            }

            // Checked under the same lock as the claim takes, so no claim can come between the check and the write.
            if (leaseCheckedAt is { } now && entry.Delivery is { Status: WebhookDeliveryStatus.Pending, LeaseOwner: not null } leased && leased.NextAttemptAt > now)
            {
                return WebhookDeliveryRequeueResult.Leased;
            }

            Requeue(entry, dueAt);
            return WebhookDeliveryRequeueResult.Requeued;
        }
    }

    /// <summary>Makes the delivery pending and due at <paramref name="dueAt"/>, fencing off any lease. Called under the lock.</summary>
    private void Requeue(DeliveryEntry entry, DateTimeOffset dueAt)
    {
        var current = entry.Delivery;
        entry.Delivery = current with
        {
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = dueAt,
            CompletedAt = null,
            LeaseOwner = null,
            FencingToken = current.FencingToken + 1,
        };
        _due.Add(entry, dueAt);
    }

    private static WebhookPage<T> ToPage<T>(List<T> rows, int limit, Func<T, string> continuationAfter)
    {
        if (rows.Count <= limit)
        {
            return new WebhookPage<T>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new WebhookPage<T>(rows, continuationAfter(rows[^1]));
    }

    private WebhookSubscription? FindSubscription(string tenantId, string subscriptionId) =>
        _subscriptions.TryGetValue(subscriptionId, out var subscription) && subscription.TenantId == tenantId ? subscription : null;

    private DeliveryEntry? FindDelivery(string tenantId, string deliveryId) =>
        _deliveries.TryGetValue(deliveryId, out var entry) && entry.Delivery.TenantId == tenantId ? entry : null;

    private bool TryGetLeased(string deliveryId, long fencingToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DeliveryEntry? entry)
    {
        entry = _deliveries.GetValueOrDefault(deliveryId);
        return entry is not null
            && entry.Delivery.FencingToken == fencingToken
            && entry.Delivery.Status == WebhookDeliveryStatus.Pending;
    }

    private sealed class DeliveryEntry : InMemoryDueQueueItem
    {
        private readonly HashSet<DeliveryEntry> _deadLettered;
        private readonly InMemoryTimeIndex _completed;
        private WebhookDelivery _delivery;

        public DeliveryEntry(WebhookDelivery delivery, HashSet<DeliveryEntry> deadLettered, InMemoryTimeIndex completed)
            : base(delivery.Id, delivery.Priority)
        {
            _deadLettered = deadLettered;
            _completed = completed;
            _delivery = delivery;
            if (delivery.Status == WebhookDeliveryStatus.DeadLettered)
            {
                deadLettered.Add(this);
            }

            if (CompletedAt(delivery) is { } at)
            {
                completed.Add(at, delivery.Id);
            }
        }

        /// <summary>
        /// Gets or sets the delivery; setting it moves the entry in or out of the dead-lettered set and the completion-time index.
        /// </summary>
        public WebhookDelivery Delivery
        {
            get => _delivery;
            set
            {
                var wasDead = _delivery.Status == WebhookDeliveryStatus.DeadLettered;
                var isDead = value.Status == WebhookDeliveryStatus.DeadLettered;
                if (isDead && !wasDead)
                {
                    _deadLettered.Add(this);
                }
                else if (wasDead && !isDead)
                {
                    _deadLettered.Remove(this);
                }

                var wasCompletedAt = CompletedAt(_delivery);
                var isCompletedAt = CompletedAt(value);
                if (wasCompletedAt != isCompletedAt)
                {
                    if (wasCompletedAt is { } was)
                    {
                        _completed.Remove(was, _delivery.Id);
                    }

                    if (isCompletedAt is { } now)
                    {
                        _completed.Add(now, value.Id);
                    }
                }

                _delivery = value;
            }
        }

        // Created on the first attempt: most deliveries are answered at once, and a list made at publish would be kept empty
        // until then by every pending delivery.
        private List<WebhookAttempt>? _attempts;

        public IReadOnlyList<WebhookAttempt> Attempts => _attempts is { } attempts ? attempts : Array.Empty<WebhookAttempt>();

        public void AddAttempt(WebhookAttempt attempt) => (_attempts ??= new List<WebhookAttempt>(1)).Add(attempt);

        /// <summary>Forgets the entry as it leaves the store (retention).</summary>
        public void Remove()
        {
            _deadLettered.Remove(this);
            if (CompletedAt(_delivery) is { } at)
            {
                _completed.Remove(at, _delivery.Id);
            }
        }

        // Retention deletes finished deliveries only, by when they finished.
        private static DateTimeOffset? CompletedAt(WebhookDelivery delivery) =>
            delivery.Status == WebhookDeliveryStatus.Pending ? null : delivery.CompletedAt;
    }
}
