using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Storage.Internal;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>The delivery operations API over the store, the worker's wake-up signal and the HTTP sender.</summary>
internal sealed class WebhookOperations(
    IWebhookStore store,
    IWebhookEventRegistry registry,
    WebhookSubscriptionActivator activator,
    WebhookWorkerSignal signal,
    WebhookIdGenerator ids,
    WebhookRequestFactory requests,
    WebhookEventPreparer preparer,
    IServiceProvider services,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookOperations> logger) : IWebhookOperations
{
    private static readonly TimeSpan TestDeliveryParking = TimeSpan.FromDays(3650);

    public async ValueTask<WebhookPage<WebhookDelivery>> QueryAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        WebhookOperationArguments.EnsureQueryTenant(query.TenantId, nameof(WebhookDeliveryQuery), nameof(query));
        if (!await IsInScopeAsync(query.TenantId, query.SubscriptionId, cancellationToken).ConfigureAwait(false))
        {
            return new WebhookPage<WebhookDelivery>([], null);
        }

        return await store.QueryDeliveriesAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<WebhookDeliveryDetails?> GetAsync(string? tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveryId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        if (await store.GetDeliveryAsync(tenant, deliveryId, cancellationToken).ConfigureAwait(false) is not { } delivery)
        {
            return null;
        }

        var message = await store.GetMessageAsync(tenant, delivery.MessageId, cancellationToken).ConfigureAwait(false);
        var attempts = await store.GetAttemptsAsync(tenant, deliveryId, cancellationToken).ConfigureAwait(false);
        return new WebhookDeliveryDetails(delivery, message, attempts);
    }

    public async ValueTask<WebhookDeliveryStats> GetStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        WebhookOperationArguments.EnsureQueryTenant(query.TenantId, nameof(WebhookStatsQuery), nameof(query));
        WebhookOperationArguments.EnsureWindow(query.From, query.Before, $"{nameof(WebhookStatsQuery)}.{nameof(query.From)}", $"{nameof(WebhookStatsQuery)}.{nameof(query.Before)}", nameof(query));
        if (!await IsInScopeAsync(query.TenantId, query.SubscriptionId, cancellationToken).ConfigureAwait(false))
        {
            return new WebhookDeliveryStats();
        }

        return await store.GetDeliveryStatsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<WebhookUsage> GetUsageAsync(string? tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        WebhookOperationArguments.EnsureWindow(from, before, nameof(from), nameof(before), nameof(from));
        return store.GetUsageAsync(tenant, from, before, cancellationToken);
    }

    public async ValueTask<bool> RetryAsync(string? tenantId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveryId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var delivery = await store.GetDeliveryAsync(tenant, deliveryId, cancellationToken).ConfigureAwait(false);
        if (delivery is null)
        {
            return false;
        }

        if (delivery.EventType == WebhookOperationalEvents.Test)
        {
            // A test send is answered once, to its caller; re-queued it would go out as a real, counted attempt.
            throw new WebhookOperationException(
                WebhookOperationError.TestSendNotRetried,
                $"The delivery '{deliveryId}' is a test send ({WebhookOperationalEvents.Test}); test sends are never retried. Call SendTestAsync again to send a new one.",
                delivery.SubscriptionId,
                deliveryId);
        }

        if (!await SubscriptionExistsAsync(delivery, cancellationToken).ConfigureAwait(false))
        {
            // Re-queued, it would only gain a Blocked attempt saying so: refused here, the caller hears why at once.
            throw new WebhookOperationException(
                WebhookOperationError.SubscriptionDeleted,
                $"The delivery '{deliveryId}' belongs to subscription '{delivery.SubscriptionId}', which has been deleted; there is nowhere to send it again.",
                delivery.SubscriptionId,
                deliveryId);
        }

        var now = timeProvider.GetUtcNow();
        switch (await RequeueIfNotLeasedAsync(delivery, now, cancellationToken).ConfigureAwait(false))
        {
            case WebhookDeliveryRequeueResult.NotFound:
                return false;
            case WebhookDeliveryRequeueResult.Leased:
                // A worker holds it and may be sending it right now: re-queued, it would be claimed and sent again at the
                // same time, and the attempt in flight could no longer be recorded.
                throw await LeasedDeliveryErrorAsync(tenant, deliveryId, now, cancellationToken).ConfigureAwait(false);
        }

        signal.Notify();
        WebhookLog.DeliveryRetried(logger, deliveryId, tenant);
        return true;
    }

    public async ValueTask<int> RecoverAsync(string? tenantId, string subscriptionId, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        // A deleted subscription's deliveries have nowhere to go: re-queued, each would only gain a Blocked attempt.
        // For tenant "*" the scope check has read the host-level subscription already.
        if (!await IsInScopeAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false)
            || (tenant != WebhookTenants.All && !await SubscriptionExistsAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false)))
        {
            return 0;
        }

        var count = await store.RequeueDeliveriesAsync(
            new WebhookRequeueRequest { TenantId = tenant, SubscriptionId = subscriptionId, CreatedFrom = since, DueAt = timeProvider.GetUtcNow() },
            cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            signal.Notify();
        }

        WebhookLog.DeliveriesRecovered(logger, count, subscriptionId, tenant);
        return count;
    }

    public async ValueTask<bool> EnableSubscriptionAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var (change, count) = await activator.ActivateAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false);
        if (change.Subscription is null)
        {
            return false;
        }

        WebhookLog.SubscriptionEnabled(logger, subscriptionId, tenant, count);
        return true;
    }

    public async ValueTask<WebhookTestResult> SendTestAsync(string? tenantId, string subscriptionId, object? payload = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var subscription = await store.GetSubscriptionAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false)
            ?? throw new WebhookOperationException(
                WebhookOperationError.SubscriptionNotFound, $"Tenant '{tenant}' has no webhook subscription '{subscriptionId}'.", subscriptionId);
        var current = options.CurrentValue;
        var now = timeProvider.GetUtcNow();
        var message = new WebhookMessage
        {
            Id = ids.NewMessageId(),
            TenantId = tenant,
            EventType = WebhookOperationalEvents.Test,
            Timestamp = now,
            Data = payload is null ? """{"test":true}"""u8.ToArray() : preparer.SerializePayload(WebhookOperationalEvents.Test, "The test payload", payload, payload.GetType(), current),
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } ambient ? ambient.Id : null,
        };

        var sender = services.GetRequiredService<WebhookHttpSender>();
        var result = await sender.SendAsync(
            requests.Create(message, subscription, now, message.TraceParent, subscription.Timeout ?? current.AttemptTimeout, current.MaxResponseBodyBytes),
            cancellationToken).ConfigureAwait(false);

        // Recorded apart from real traffic: its own message and delivery of the test event type, with a test attempt.
        var delivery = new WebhookDelivery
        {
            Id = ids.NewDeliveryId(),
            TenantId = tenant,
            MessageId = message.Id,
            SubscriptionId = subscription.Id,
            EventType = message.EventType,
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now + TestDeliveryParking,
            CreatedAt = now,
        };
        await store.InsertMessageAsync(message, [delivery], cancellationToken).ConfigureAwait(false);
        var record = new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = delivery.FencingToken,
            NewStatus = result.Outcome == WebhookAttemptOutcome.Succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.DeadLettered,
            Attempt = new WebhookAttempt
            {
                DeliveryId = delivery.Id,
                TenantId = tenant,
                AttemptNumber = 1,
                StartedAt = now,
                Duration = result.Duration,
                Outcome = result.Outcome,
                StatusCode = result.StatusCode,
                ResponseBody = result.ResponseBody,
                Error = result.Error,
                IsTest = true,
            },
        };
        if (!await store.RecordAttemptAsync(record, cancellationToken).ConfigureAwait(false))
        {
            await SettleRefusedTestAsync(tenant, record, message.Id, subscription.Id, result, cancellationToken).ConfigureAwait(false);
        }

        WebhookLog.TestSent(logger, message.Id, subscription.Id, result.Outcome, result.StatusCode);
        return new WebhookTestResult(delivery.Id, message.Id, result.Outcome, result.StatusCode, result.Duration, result.Error, result.ResponseBody);
    }

    public async ValueTask<WebhookCoverageReport> GetCoverageAsync(string? tenantId = null, DateTimeOffset? since = null, CancellationToken cancellationToken = default)
    {
        // Here null means every tenant, not the default one: only a named tenant is checked.
        if (tenantId is not null)
        {
            WebhookInputRules.EnsureValidTenantId(tenantId, nameof(tenantId));
        }

        // No event carries tenant "*": the host's scope counts every tenant's events (as null does), with the host-level
        // subscriptions as the listeners.
        var summaries = (await store.GetEventTypeSummariesAsync(tenantId == WebhookTenants.All ? null : tenantId, since, cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.EventType, StringComparer.Ordinal);
        var subscriptions = tenantId is null ? null : await GetListeningSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var categories = registry.Categories.ToList();
        var events = registry
            .Where(d => !WebhookOperationalEvents.IsOperational(d.Name))
            .OrderBy(d => categories.IndexOf(d.Category))
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d =>
            {
                var s = summaries.GetValueOrDefault(d.Name);
                var finished = (s?.Succeeded ?? 0) + (s?.DeadLettered ?? 0);
                return new WebhookCoverageEntry(
                    d.Name,
                    d.Category,
                    s?.Published ?? 0,
                    s?.LastPublishedAt,
                    subscriptions?.Count(x => x.State == WebhookSubscriptionState.Active && WebhookEventPatterns.MatchesAny(x.EventPatterns, d.Name)),
                    s?.Deliveries ?? 0,
                    finished == 0 ? null : (double)s!.Succeeded / finished);
            })
            .ToList();
        var totals = events
            .GroupBy(e => e.Category, StringComparer.Ordinal)
            .Select(g => new WebhookCoverageCategory(g.Key, g.Count(), g.Count(e => e.Published > 0)))
            .ToList();
        return new WebhookCoverageReport(tenantId, timeProvider.GetUtcNow(), events, totals);
    }

    /// <summary>
    /// Whether a subscription named with tenant <see cref="WebhookTenants.All"/> is one of the host's own. The stores read
    /// "*" with a subscription as that subscription's deliveries in every tenant (a host-level subscription's carry their
    /// events' tenants), so naming a tenant's subscription with "*" would reach into that tenant; it is "not found" instead.
    /// </summary>
    private async ValueTask<bool> IsInScopeAsync(string tenant, string? subscriptionId, CancellationToken cancellationToken) =>
        tenant != WebhookTenants.All || subscriptionId is null
        || await store.GetSubscriptionAsync(WebhookTenants.All, subscriptionId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Whether the delivery's subscription still exists: the tenant's own, or a host-level one (tenant "*").</summary>
    private ValueTask<bool> SubscriptionExistsAsync(WebhookDelivery delivery, CancellationToken cancellationToken) =>
        SubscriptionExistsAsync(delivery.TenantId, delivery.SubscriptionId, cancellationToken);

    private async ValueTask<bool> SubscriptionExistsAsync(string tenant, string subscriptionId, CancellationToken cancellationToken) =>
        await store.FindForTenantAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false) is not null;

    private static bool IsLeased(WebhookDelivery delivery, DateTimeOffset now) =>
        delivery is { Status: WebhookDeliveryStatus.Pending, LeaseOwner: not null } && delivery.NextAttemptAt > now;

    /// <summary>
    /// Re-queues the delivery unless a worker holds it under a live lease, in one conditional store step. A custom store
    /// without that step is checked against <paramref name="read"/> and re-queued unconditionally: a claim landing between
    /// that read and the re-queue is not caught there.
    /// </summary>
    private async ValueTask<WebhookDeliveryRequeueResult> RequeueIfNotLeasedAsync(WebhookDelivery read, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await store.RequeueDeliveryIfNotLeasedAsync(read.TenantId, read.Id, now, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            if (IsLeased(read, now))
            {
                return WebhookDeliveryRequeueResult.Leased;
            }

            return await store.RequeueDeliveryAsync(read.TenantId, read.Id, now, cancellationToken).ConfigureAwait(false)
                ? WebhookDeliveryRequeueResult.Requeued
                : WebhookDeliveryRequeueResult.NotFound;
        }
    }

    /// <summary>The error for a retry the store refused because of a live lease, naming the worker and when its lease ends.</summary>
    private async ValueTask<WebhookOperationException> LeasedDeliveryErrorAsync(string tenant, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Read again only for the message: the store refused the re-queue without saying who holds the lease, and the
        // claim it saw may have come after the first read. The attempt may have been recorded since, too.
        var holder = await store.GetDeliveryAsync(tenant, deliveryId, cancellationToken).ConfigureAwait(false);
        return new WebhookOperationException(
            WebhookOperationError.DeliveryBeingSent,
            holder is { LeaseOwner: { } owner } && IsLeased(holder, now)
                ? string.Create(
                    CultureInfo.InvariantCulture,
                    $"The delivery '{deliveryId}' is being sent by worker '{owner}' (its lease runs until {holder.NextAttemptAt.UtcDateTime:O}); retry it once that attempt is recorded.")
                : $"The delivery '{deliveryId}' was being sent by a worker when the retry was asked; retry it once that attempt is recorded.",
            holder?.SubscriptionId,
            deliveryId);
    }

    /// <summary>
    /// Gets the subscriptions a tenant's events are routed to: its own and, as the router adds them, the host-level ones,
    /// which receive every tenant's events. Without them an event only a host-level endpoint covers looked uncovered.
    /// </summary>
    private async ValueTask<List<WebhookSubscription>> GetListeningSubscriptionsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var subscriptions = new List<WebhookSubscription>(await store.GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false));
        if (tenantId != WebhookTenants.All)
        {
            subscriptions.AddRange(await store.GetTenantSubscriptionsAsync(WebhookTenants.All, cancellationToken).ConfigureAwait(false));
        }

        return subscriptions;
    }

    /// <summary>
    /// After the store refused a test attempt: settles the test delivery under its current fencing token if something moved
    /// it on, and otherwise reports the send as an error rather than leave the delivery pending without its attempt.
    /// </summary>
    private async ValueTask SettleRefusedTestAsync(string tenant, WebhookAttemptRecord record, string messageId, string subscriptionId, WebhookSendResult result, CancellationToken cancellationToken)
    {
        var stored = await store.GetDeliveryAsync(tenant, record.DeliveryId, cancellationToken).ConfigureAwait(false);
        if (stored is { Status: not WebhookDeliveryStatus.Pending })
        {
            return;
        }

        // Parked out of the worker's reach, only a retry by id moves a test delivery on. The attempt still belongs on it: left
        // alone it would stay pending (due now, to go out as a real attempt, or parked for good).
        if (stored is not null && stored.FencingToken != record.FencingToken
            && await store.RecordAttemptAsync(record with { FencingToken = stored.FencingToken }, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var sent = string.Create(
            CultureInfo.InvariantCulture,
            $"The test event '{messageId}' was sent to subscription '{subscriptionId}' of tenant '{tenant}' ({result.Outcome}, status {result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}), but ");
        throw new WebhookOperationException(
            WebhookOperationError.TestNotRecorded,
            stored is null
                ? sent + $"the store lost its test delivery '{record.DeliveryId}' before the attempt was recorded."
                : sent + string.Create(CultureInfo.InvariantCulture, $"the store ({store.GetType().Name}) refused to record the attempt on test delivery '{record.DeliveryId}', which is still pending under fencing token {stored.FencingToken}."),
            subscriptionId,
            record.DeliveryId);
    }
}
