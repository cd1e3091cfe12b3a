namespace Choreblimey.Webhooks;

/// <summary>
/// Delivery operations for dashboards and support tools: the delivery log, statistics, usage, replay, bulk recovery, test
/// sends, re-enabling endpoints and the event coverage audit. Every call is scoped to one tenant unless it says otherwise.
/// </summary>
/// <remarks>
/// The reads (<see cref="QueryAsync"/>, <see cref="GetAsync"/>, <see cref="GetStatsAsync"/>, <see cref="GetUsageAsync"/>,
/// <see cref="GetCoverageAsync"/>) check a tenant id as <see cref="IWebhookSubscriptionManager"/> does, and throw an
/// <see cref="ArgumentException"/> for one longer than 128 characters or with a character other than printable ASCII
/// without spaces: no subscription or event can have such a tenant, so answering "nothing" would hide the caller's mistake.
/// </remarks>
public interface IWebhookOperations
{
    /// <summary>
    /// Queries a tenant's delivery log, newest first (by subscription, event, status, time range). For
    /// <see cref="WebhookTenants.All"/> it reads every tenant's log, where a host-level subscription's deliveries are (they
    /// carry the tenants of its events); a subscription id with it must name a host-level subscription, or the page is empty.
    /// </summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page of deliveries.</returns>
    /// <exception cref="ArgumentException">The query's <see cref="WebhookDeliveryQuery.TenantId"/> is null or not a valid tenant id (see the remarks).</exception>
    ValueTask<WebhookPage<WebhookDelivery>> QueryAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets one of a tenant's deliveries with its message and attempts.</summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant).</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The details, or <see langword="null"/> when the tenant has no such delivery.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is not a valid tenant id (see the remarks).</exception>
    ValueTask<WebhookDeliveryDetails?> GetAsync(string? tenantId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets delivery statistics of a tenant or one of its subscriptions over a window. For <see cref="WebhookTenants.All"/>
    /// they cover every tenant, where a host-level subscription's deliveries are (they carry the tenants of its events).
    /// </summary>
    /// <param name="query">The tenant, subscription and window.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentException">
    /// <see cref="WebhookStatsQuery.From"/> is later than <see cref="WebhookStatsQuery.Before"/>; or the query's
    /// <see cref="WebhookStatsQuery.TenantId"/> is null or not a valid tenant id (see the remarks).
    /// </exception>
    ValueTask<WebhookDeliveryStats> GetStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets a tenant's usage (events published, deliveries, attempts) over a window.</summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant; <see cref="WebhookTenants.All"/> for every tenant's together).</param>
    /// <param name="from">The inclusive start.</param>
    /// <param name="before">The exclusive end.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="ArgumentException"><paramref name="from"/> is later than <paramref name="before"/>, or <paramref name="tenantId"/> is not a valid tenant id (see the remarks).</exception>
    ValueTask<WebhookUsage> GetUsageAsync(string? tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Retries one delivery now, whatever its state (a dead-lettered one included) unless a worker is sending it, and wakes the worker.</summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant).</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the tenant has the delivery.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="tenantId"/> is not a valid tenant id (longer than 128 characters, or not printable ASCII without
    /// spaces), as the subscription manager would refuse it.
    /// </exception>
    /// <exception cref="WebhookOperationException">
    /// The delivery is a test send (<see cref="SendTestAsync"/>), which is never retried
    /// (<see cref="WebhookOperationError.TestSendNotRetried"/>); its subscription has been deleted
    /// (<see cref="WebhookOperationError.SubscriptionDeleted"/>); or a worker holds it under a live lease (it may be sending
    /// it right now; retry once that attempt is recorded: <see cref="WebhookOperationError.DeliveryBeingSent"/>). The store
    /// checks the lease and re-queues in one step (<see cref="IWebhookStore.RequeueDeliveryIfNotLeasedAsync"/>), so a
    /// worker's claim made while the retry runs is never taken from it; on a custom store without that member, a claim
    /// landing between the retry's read and its re-queue is not caught.
    /// </exception>
    ValueTask<bool> RetryAsync(string? tenantId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Re-queues every failed or dead-lettered delivery of a subscription created since a time, and wakes the worker.</summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant).</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="since">The inclusive lower bound on creation time; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>How many deliveries were re-queued: 0 when the tenant has no such subscription, a deleted one included.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="tenantId"/> is not a valid tenant id (longer than 128 characters, or not printable ASCII without
    /// spaces), as the subscription manager would refuse it.
    /// </exception>
    ValueTask<int> RecoverAsync(string? tenantId, string subscriptionId, DateTimeOffset? since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a <see cref="WebhookOperationalEvents.Test"/> event to a subscription now (whatever its state: a paused or
    /// disabled subscription is tested too, so an endpoint can be checked before it is resumed) through the same
    /// sender, signer and address guard as deliveries, and returns the outcome. It is recorded as a test attempt, never
    /// retried, and left out of statistics, usage and coverage.
    /// </summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant).</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="payload">The <c>data</c> to send; <see langword="null"/> sends <c>{"test":true}</c>.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="WebhookOperationException">
    /// The tenant has no such subscription (<see cref="WebhookOperationError.SubscriptionNotFound"/>), or the store did not
    /// record the attempt of a test that was sent (<see cref="WebhookOperationError.TestNotRecorded"/>; the message gives
    /// its outcome).
    /// </exception>
    /// <exception cref="WebhookPayloadException">
    /// <paramref name="payload"/> cannot be serialised, or is larger than <see cref="WebhookOptions.MaxPayloadBytes"/>; nothing is sent.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is not a valid tenant id.</exception>
    ValueTask<WebhookTestResult> SendTestAsync(string? tenantId, string subscriptionId, object? payload = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a paused or disabled subscription active again, closes its endpoint's circuit breaker and makes every pending
    /// delivery it held due at once (they are kept, never dropped, while it is inactive), however long ago they were created.
    /// Dead-lettered deliveries stay as they are; <see cref="RecoverAsync"/> re-queues them. The owner's
    /// <see cref="IWebhookSubscriptionManager.ResumeAsync"/> does the same.
    /// </summary>
    /// <param name="tenantId">The tenant (<see langword="null"/> for the default tenant).</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the tenant has the subscription.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is not a valid tenant id.</exception>
    ValueTask<bool> EnableSubscriptionAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Audits event coverage: for each declared event, how often it was published, when last, how many active
    /// subscriptions listen, and its delivery success rate; with totals per category and overall.
    /// </summary>
    /// <param name="tenantId">
    /// One tenant, whose active subscriptions are counted with the host-level ones (<see cref="WebhookTenants.All"/>) that
    /// receive its events; <see cref="WebhookTenants.All"/> for every tenant's events with the host-level subscriptions
    /// counted; or <see langword="null"/> for every tenant's events (active subscriptions are then not counted).
    /// </param>
    /// <param name="since">Counts only events published since this time; <see langword="null"/> for all that are kept.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The report; render it with <see cref="WebhookCoverageReport.ToMarkdown"/> or <see cref="WebhookCoverageReport.ToJson"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenantId"/> is not a valid tenant id (see the remarks).</exception>
    ValueTask<WebhookCoverageReport> GetCoverageAsync(string? tenantId = null, DateTimeOffset? since = null, CancellationToken cancellationToken = default);
}
