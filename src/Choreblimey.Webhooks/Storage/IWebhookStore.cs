namespace Choreblimey.Webhooks;

/// <summary>
/// Persists subscriptions, messages, deliveries and attempts, and hands due deliveries to workers under leases.
/// </summary>
/// <remarks>
/// <para>Times are kept to at least microsecond precision and come back in UTC.</para>
/// <para>Every read and write that names a tenant is scoped to it: asking for another tenant's record behaves as if it did not exist.</para>
/// <para>Implementations must be safe for concurrent use. <see cref="ClaimDueDeliveriesAsync"/> must never hand the same due
/// delivery to two callers while a lease is valid, and <see cref="RecordAttemptAsync"/> and <see cref="ReleaseLeaseAsync"/>
/// must apply only with the delivery's current fencing token.</para>
/// </remarks>
public interface IWebhookStore
{
    /// <summary>Stores a new subscription.</summary>
    /// <param name="subscription">The subscription; its id must be new.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the subscription is stored.</returns>
    ValueTask CreateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>Gets one of a tenant's subscriptions.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The subscription, or <see langword="null"/> when the tenant has none with that id.</returns>
    ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's subscriptions in id order, one page at a time.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">
    /// Filters and paging. A <see cref="WebhookSubscriptionQuery.Limit"/> below 1 is taken as 1, and one above
    /// <see cref="WebhookSubscriptionQuery.MaxLimit"/> as that; it is not an error.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page of subscriptions.</returns>
    /// <exception cref="ArgumentException">
    /// <see cref="WebhookSubscriptionQuery.ContinuationToken"/> is not a token this store returned for a subscription listing.
    /// </exception>
    ValueTask<WebhookPage<WebhookSubscription>> ListSubscriptionsAsync(string tenantId, WebhookSubscriptionQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets every subscription of a tenant in every state, for routing. Called when the routing cache is cold or stale.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The tenant's subscriptions.</returns>
    ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Replaces a stored subscription (matched by tenant and id).</summary>
    /// <param name="subscription">The new version.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it existed and was replaced.</returns>
    ValueTask<bool> UpdateSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a stored subscription (matched by tenant and id) only if no other writer has changed it since it was read:
    /// its stored <see cref="WebhookSubscription.UpdatedAt"/> must still be <paramref name="expectedUpdatedAt"/>. The library
    /// changes subscriptions this way (read, change, write back, read again on <see cref="WebhookSubscriptionUpdateResult.Changed"/>),
    /// so that a worker disabling a failing subscription and an owner editing it at the same moment do not overwrite each
    /// other, and every write moves <see cref="WebhookSubscription.UpdatedAt"/> forward by at least a microsecond.
    /// </summary>
    /// <remarks>
    /// The default implementation cannot tell a concurrent change: it replaces the subscription unconditionally with
    /// <see cref="UpdateSubscriptionAsync(WebhookSubscription, CancellationToken)"/>, as a store written before this member did.
    /// </remarks>
    /// <param name="subscription">The new version.</param>
    /// <param name="expectedUpdatedAt">The <see cref="WebhookSubscription.UpdatedAt"/> of the version the change was made from, as read from this store.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether it was replaced, missing, or changed by another writer.</returns>
    async ValueTask<WebhookSubscriptionUpdateResult> UpdateSubscriptionIfUnchangedAsync(WebhookSubscription subscription, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default) =>
        await UpdateSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false) ? WebhookSubscriptionUpdateResult.Updated : WebhookSubscriptionUpdateResult.NotFound;

    /// <summary>Deletes a tenant's subscription. Its deliveries stay in the log.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="subscriptionId">The subscription id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when it existed and was deleted.</returns>
    ValueTask<bool> DeleteSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets a number that changes whenever any subscription changes, so other instances can tell that their routing cache is stale.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The current subscription change version.</returns>
    ValueTask<long> GetSubscriptionVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a message and its deliveries in one atomic step. When the message has an idempotency key already stored for its
    /// tenant, nothing is written and the first message's id and delivery count are returned.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="deliveries">One delivery per matching subscription (may be empty).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was stored.</returns>
    ValueTask<WebhookMessageInsertResult> InsertMessageAsync(WebhookMessage message, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <see cref="WebhookClaimRequest.MaxCount"/> pending deliveries that are due: the highest
    /// <see cref="WebhookDelivery.Priority"/> first, then the oldest due first, then by id. Each claim increments the
    /// delivery's fencing token and moves its due time to the lease's expiry, so a lapsed lease makes it due again.
    /// </summary>
    /// <param name="request">The claim.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The leased deliveries with their messages, in claim order; empty when <see cref="WebhookClaimRequest.MaxCount"/> is 0.</returns>
    /// <exception cref="ArgumentException"><see cref="WebhookClaimRequest.Owner"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="WebhookClaimRequest.MaxCount"/> is negative, or <see cref="WebhookClaimRequest.LeaseDuration"/> is not
    /// positive (a lease of zero would leave the delivery due, so another worker could claim it at once).
    /// </exception>
    ValueTask<IReadOnlyList<WebhookDeliveryLease>> ClaimDueDeliveriesAsync(WebhookClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Appends an attempt and moves the delivery to its new state, only if the fencing token is current.</summary>
    /// <param name="record">The attempt and the new state.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the lease was lost (the token is stale); nothing was written.</returns>
    ValueTask<bool> RecordAttemptAsync(WebhookAttemptRecord record, CancellationToken cancellationToken = default);

    /// <summary>Gives a leased delivery back without counting an attempt, only if the fencing token is current.</summary>
    /// <param name="release">The release.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="false"/> when the token is stale; nothing was written.</returns>
    ValueTask<bool> ReleaseLeaseAsync(WebhookLeaseRelease release, CancellationToken cancellationToken = default);

    /// <summary>Gets the earliest due time of any pending delivery, so an idle worker knows how long it may sleep.</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The earliest due time, or <see langword="null"/> when nothing is pending.</returns>
    ValueTask<DateTimeOffset?> GetNextDueTimeAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one of a tenant's messages.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    ValueTask<WebhookMessage?> GetMessageAsync(string tenantId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Gets one of a tenant's deliveries.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The delivery, or <see langword="null"/>.</returns>
    ValueTask<WebhookDelivery?> GetDeliveryAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Gets a delivery's attempts in order.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The attempts, oldest first; empty when the tenant has no such delivery.</returns>
    ValueTask<IReadOnlyList<WebhookAttempt>> GetAttemptsAsync(string tenantId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queries a tenant's delivery log, newest first. For <see cref="WebhookTenants.All"/> that is every tenant's deliveries
    /// (a host-level subscription's carry the tenants of its events).
    /// </summary>
    /// <param name="query">
    /// Filters and paging. A <see cref="WebhookDeliveryQuery.Limit"/> below 1 is taken as 1, and one above
    /// <see cref="WebhookDeliveryQuery.MaxLimit"/> as that; it is not an error.
    /// </param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One page of deliveries.</returns>
    /// <exception cref="ArgumentException">
    /// <see cref="WebhookDeliveryQuery.ContinuationToken"/> is not a token this store returned for a delivery log.
    /// </exception>
    ValueTask<WebhookPage<WebhookDelivery>> QueryDeliveriesAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a tenant's delivery due at <paramref name="dueAt"/> again, whatever its state (replay). A dead-lettered or
    /// succeeded delivery becomes pending; its attempt count is kept and its lease is invalidated.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="dueAt">When it becomes due.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> when the tenant has the delivery and it was re-queued.</returns>
    ValueTask<bool> RequeueDeliveryAsync(string tenantId, string deliveryId, DateTimeOffset dueAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a tenant's delivery due at <paramref name="now"/> again, as <see cref="RequeueDeliveryAsync"/> does, unless a
    /// worker holds it under a live lease: it is pending with a lease owner and its due time (a leased delivery's due time
    /// is its lease's expiry) is after <paramref name="now"/>. The check and the write are one step, so a claim cannot land
    /// between them; this is how a retry by id leaves a delivery being sent to its worker. A lapsed lease does not count.
    /// </summary>
    /// <remarks>
    /// The default implementation throws <see cref="NotSupportedException"/>, so a custom store written before this member
    /// still compiles; the library then reads the delivery and re-queues it with <see cref="RequeueDeliveryAsync"/>, where
    /// a claim landing between the two is not caught.
    /// </remarks>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="now">The current time: a lease that ends after it is live, and the delivery becomes due at it.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>Whether it was re-queued, missing, or held under a live lease.</returns>
    ValueTask<WebhookDeliveryRequeueResult> RequeueDeliveryIfNotLeasedAsync(string tenantId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not re-queue a delivery on the condition that it is not leased.");

    /// <summary>
    /// Counts a tenant's (or one subscription's) deliveries by state and computes attempt latency percentiles over a window,
    /// in the store. Test sends are excluded. For <see cref="WebhookTenants.All"/> that is every tenant's deliveries (a
    /// host-level subscription's carry the tenants of its events).
    /// </summary>
    /// <param name="query">The tenant, subscription and window.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The statistics.</returns>
    ValueTask<WebhookDeliveryStats> GetDeliveryStatsAsync(WebhookStatsQuery query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not compute delivery statistics.");

    /// <summary>Counts a tenant's published events, deliveries and attempts over a window. Test sends are excluded.</summary>
    /// <param name="tenantId">The tenant; for <see cref="WebhookTenants.All"/>, every tenant's together.</param>
    /// <param name="from">The inclusive start of the window.</param>
    /// <param name="before">The exclusive end of the window.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The usage.</returns>
    ValueTask<WebhookUsage> GetUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset before, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not report usage.");

    /// <summary>
    /// Re-queues, in one step, a subscription's dead-lettered deliveries and pending ones that have failed (or, with
    /// <see cref="WebhookRequeueRequest.IncludePending"/>, every pending one), skipping deliveries leased right now. For a
    /// host-level subscription (<see cref="WebhookRequeueRequest.TenantId"/> is <see cref="WebhookTenants.All"/>) that is
    /// its deliveries in every tenant.
    /// </summary>
    /// <param name="request">The subscription, time bound and due time.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>How many deliveries were re-queued.</returns>
    ValueTask<int> RequeueDeliveriesAsync(WebhookRequeueRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not re-queue in bulk.");

    /// <summary>Removes one bounded batch of expired finished deliveries (with their attempts) and of messages left without deliveries.</summary>
    /// <param name="request">The cutoffs and batch size.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was removed; call again while a count reaches the batch size.</returns>
    ValueTask<WebhookPurgeResult> PurgeAsync(WebhookPurgeRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not purge.");

    /// <summary>
    /// Gets the pending backlog over all tenants and how many deliveries were dead-lettered since a time. Test sends
    /// (<see cref="WebhookOperationalEvents.Test"/> deliveries) are counted in neither.
    /// </summary>
    /// <param name="deadLetteredSince">Counts dead-lettered deliveries completed at or after this time.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The backlog.</returns>
    ValueTask<WebhookBacklog> GetBacklogAsync(DateTimeOffset deadLetteredSince, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not report its backlog.");

    /// <summary>
    /// Starts a subscription's failure streak at <paramref name="failedAt"/> unless one is running, and returns when the
    /// running streak started. A store that keeps the start lets a streak outlive a restart and span the host's instances
    /// (see <see cref="WebhookHealthOptions.DisableAfterFailingFor"/>); the default keeps nothing and returns
    /// <paramref name="failedAt"/>, so each process counts from its own first failure.
    /// </summary>
    /// <param name="subscriptionId">The subscription whose attempt failed.</param>
    /// <param name="failedAt">When the attempt failed.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>When the running streak started: <paramref name="failedAt"/> if none was running (or the subscription is unknown).</returns>
    ValueTask<DateTimeOffset> StartFailureStreakAsync(string subscriptionId, DateTimeOffset failedAt, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(failedAt);

    /// <summary>Ends the subscription's failure streak, if one is running: an attempt succeeded, or the subscription was disabled.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the streak is ended.</returns>
    ValueTask EndFailureStreakAsync(string subscriptionId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Summarises published events and their deliveries per event type, for one tenant or all. Test sends are excluded.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for every tenant.</param>
    /// <param name="from">Counts only events published at or after this time; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>One summary per event type that was published, in ordinal order of event type.</returns>
    ValueTask<IReadOnlyList<WebhookEventTypeSummary>> GetEventTypeSummariesAsync(string? tenantId, DateTimeOffset? from, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} does not summarise event types.");
}
