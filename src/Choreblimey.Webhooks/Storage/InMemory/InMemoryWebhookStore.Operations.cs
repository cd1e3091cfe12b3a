using Choreblimey.Webhooks.Operations;

namespace Choreblimey.Webhooks;

/// <content>Statistics, usage, bulk re-queue, purge and backlog (delivery operations).</content>
public sealed partial class InMemoryWebhookStore
{
    /// <inheritdoc />
    public ValueTask<WebhookDeliveryStats> GetDeliveryStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            long total = 0, succeeded = 0, dead = 0, failing = 0;
            DateTimeOffset? lastSuccess = null, lastFailure = null;
            var durations = new List<long>();
            foreach (var entry in _deliveries.Values)
            {
                var d = entry.Delivery;
                // A host-level subscription's deliveries carry their events' tenants: "*" reads every tenant's.
                if ((d.TenantId != query.TenantId && query.TenantId != WebhookTenants.All) || (query.SubscriptionId is { } sub && d.SubscriptionId != sub)
                    || d.EventType == WebhookOperationalEvents.Test)
                {
                    continue;
                }

                if (InWindow(d.CreatedAt, query.From, query.Before))
                {
                    total++;
                    succeeded += d.Status == WebhookDeliveryStatus.Succeeded ? 1 : 0;
                    dead += d.Status == WebhookDeliveryStatus.DeadLettered ? 1 : 0;
                    failing += d.Status == WebhookDeliveryStatus.Pending && d.AttemptCount > 0 ? 1 : 0;
                }

                foreach (var attempt in entry.Attempts)
                {
                    if (attempt.IsTest || !InWindow(attempt.StartedAt, query.From, query.Before))
                    {
                        continue;
                    }

                    durations.Add(attempt.Duration.Ticks);
                    if (attempt.Outcome == WebhookAttemptOutcome.Succeeded)
                    {
                        lastSuccess = Max(lastSuccess, attempt.StartedAt);
                    }
                    else
                    {
                        lastFailure = Max(lastFailure, attempt.StartedAt);
                    }
                }
            }

            durations.Sort();
            return ValueTask.FromResult(new WebhookDeliveryStats
            {
                Total = total,
                Succeeded = succeeded,
                DeadLettered = dead,
                Failing = failing,
                LastSuccessAt = lastSuccess,
                LastFailureAt = lastFailure,
                LatencyP50 = WebhookPercentile.Of(durations, 0.5),
                LatencyP95 = WebhookPercentile.Of(durations, 0.95),
            });
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookUsage> GetUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // "*" counts every tenant's.
            var everyTenant = tenantId == WebhookTenants.All;
            var events = _messages.Values.LongCount(m => (everyTenant || m.TenantId == tenantId) && m.EventType != WebhookOperationalEvents.Test && InWindow(m.Timestamp, from, before));
            long deliveries = 0, attempts = 0;
            foreach (var entry in _deliveries.Values)
            {
                if ((!everyTenant && entry.Delivery.TenantId != tenantId) || entry.Delivery.EventType == WebhookOperationalEvents.Test)
                {
                    continue;
                }

                deliveries += InWindow(entry.Delivery.CreatedAt, from, before) ? 1 : 0;
                attempts += entry.Attempts.LongCount(a => !a.IsTest && InWindow(a.StartedAt, from, before));
            }

            return ValueTask.FromResult(new WebhookUsage(tenantId, from, before, events, deliveries, attempts));
        }
    }

    /// <inheritdoc />
    public ValueTask<int> RequeueDeliveriesAsync(WebhookRequeueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var count = 0;
            foreach (var entry in _deliveries.Values)
            {
                var d = entry.Delivery;
                if ((d.TenantId != request.TenantId && request.TenantId != WebhookTenants.All) || d.SubscriptionId != request.SubscriptionId || d.EventType == WebhookOperationalEvents.Test
                    || (request.CreatedFrom is { } from && d.CreatedAt < from) || !IsRecoverable(d, request))
                {
                    continue;
                }

                Requeue(entry, request.DueAt);
                count++;
            }

            return ValueTask.FromResult(count);
        }
    }

    /// <inheritdoc />
    public ValueTask<WebhookPurgeResult> PurgeAsync(WebhookPurgeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BatchSize, 1, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Finished deliveries in completion order, up to the latest cutoff of any rule; each is checked against its own rule.
            var expired = _completed.Before(LatestCutoff(request), id => IsExpired(_deliveries[id].Delivery, request), request.BatchSize);
            var attempts = 0;
            foreach (var id in expired)
            {
                var entry = _deliveries[id];
                attempts += entry.Attempts.Count;
                entry.Remove();
                _deliveries.Remove(id);
                _deliveryCountByMessage[entry.Delivery.MessageId]--;
            }

            var orphans = _messagesByTime.Before(request.MessagesBefore, id => _deliveryCountByMessage.GetValueOrDefault(id) == 0, request.BatchSize);
            foreach (var id in orphans)
            {
                var message = _messages[id];
                _messages.Remove(id);
                _messagesByTime.Remove(message.Timestamp, id);
                _deliveryCountByMessage.Remove(message.Id);
                if (message.IdempotencyKey is { } key)
                {
                    _idempotencyKeys.Remove((message.TenantId, key));
                }
            }

            return ValueTask.FromResult(new WebhookPurgeResult(expired.Count, attempts, orphans.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset> StartFailureStreakAsync(string subscriptionId, DateTimeOffset failedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_subscriptions.ContainsKey(subscriptionId))
            {
                return ValueTask.FromResult(failedAt);
            }

            return ValueTask.FromResult(_failingSince.TryAdd(subscriptionId, failedAt) ? failedAt : _failingSince[subscriptionId]);
        }
    }

    /// <inheritdoc />
    public ValueTask EndFailureStreakAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _failingSince.Remove(subscriptionId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<WebhookBacklog> GetBacklogAsync(DateTimeOffset deadLetteredSince, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            long pending = 0, dead = 0;
            DateTimeOffset? oldest = null;

            // A test send is recorded apart from real traffic: it is neither backlog nor a dead letter.
            foreach (var item in _due.Items)
            {
                var d = ((DeliveryEntry)item).Delivery;
                if (d.EventType != WebhookOperationalEvents.Test
                    && _subscriptions.TryGetValue(d.SubscriptionId, out var subscription) && subscription.State == WebhookSubscriptionState.Active)
                {
                    pending++;
                    oldest = oldest is { } o && o <= d.CreatedAt ? o : d.CreatedAt;
                }
            }

            foreach (var entry in _deadLettered)
            {
                var d = entry.Delivery;
                if (d.Status == WebhookDeliveryStatus.DeadLettered && d.EventType != WebhookOperationalEvents.Test && d.CompletedAt >= deadLetteredSince)
                {
                    dead++;
                }
            }

            return ValueTask.FromResult(new WebhookBacklog(pending, oldest, dead));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookEventTypeSummary>> GetEventTypeSummariesAsync(string? tenantId, DateTimeOffset? from, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var summaries = new SortedDictionary<string, WebhookEventTypeSummary>(StringComparer.Ordinal);
            WebhookEventTypeSummary Get(string type) =>
                summaries.TryGetValue(type, out var s) ? s : summaries[type] = new WebhookEventTypeSummary(type, 0, null, 0, 0, 0);

            foreach (var m in _messages.Values)
            {
                if ((tenantId is null || m.TenantId == tenantId) && m.EventType != WebhookOperationalEvents.Test && (from is null || m.Timestamp >= from))
                {
                    var s = Get(m.EventType);
                    summaries[m.EventType] = s with { Published = s.Published + 1, LastPublishedAt = Max(s.LastPublishedAt, m.Timestamp) };
                }
            }

            foreach (var entry in _deliveries.Values)
            {
                var d = entry.Delivery;
                if ((tenantId is null || d.TenantId == tenantId) && d.EventType != WebhookOperationalEvents.Test && (from is null || d.CreatedAt >= from))
                {
                    var s = Get(d.EventType);
                    summaries[d.EventType] = s with
                    {
                        Deliveries = s.Deliveries + 1,
                        Succeeded = s.Succeeded + (d.Status == WebhookDeliveryStatus.Succeeded ? 1 : 0),
                        DeadLettered = s.DeadLettered + (d.Status == WebhookDeliveryStatus.DeadLettered ? 1 : 0),
                    };
                }
            }

            return ValueTask.FromResult<IReadOnlyList<WebhookEventTypeSummary>>([.. summaries.Values]);
        }
    }

    private static bool InWindow(DateTimeOffset time, DateTimeOffset? from, DateTimeOffset? before) =>
        (from is null || time >= from) && (before is null || time < before);

    private static DateTimeOffset Max(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c >= candidate ? c : candidate;

    private static bool IsRecoverable(WebhookDelivery d, WebhookRequeueRequest request) => d.Status switch
    {
        WebhookDeliveryStatus.DeadLettered => request.IncludeDeadLettered,
        WebhookDeliveryStatus.Pending => (d.LeaseOwner is null || (request.IncludePending && request.IncludeLeased)) && (request.IncludePending || d.AttemptCount > 0),
        _ => false,
    };

    private static DateTimeOffset LatestCutoff(WebhookPurgeRequest request)
    {
        var latest = request.SucceededBefore > request.FailedBefore ? request.SucceededBefore : request.FailedBefore;
        foreach (var rule in request.Overrides)
        {
            latest = rule.SucceededBefore > latest ? rule.SucceededBefore : latest;
            latest = rule.FailedBefore > latest ? rule.FailedBefore : latest;
        }

        return latest;
    }

    private static bool IsExpired(WebhookDelivery d, WebhookPurgeRequest request)
    {
        if (d.Status == WebhookDeliveryStatus.Pending || d.CompletedAt is not { } completed)
        {
            return false;
        }

        var succeededBefore = request.SucceededBefore;
        var failedBefore = request.FailedBefore;
        foreach (var rule in request.Overrides)
        {
            if (rule.EventType == d.EventType)
            {
                succeededBefore = rule.SucceededBefore;
                failedBefore = rule.FailedBefore;
                break;
            }
        }

        return completed < (d.Status == WebhookDeliveryStatus.Succeeded ? succeededBefore : failedBefore);
    }
}
