namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// Makes the deliveries a subscription held while it was paused or disabled due now, once it is active again (enable,
/// resume, or the worker noticing the change while it set one aside).
/// </summary>
internal static class WebhookHeldDeliveries
{
    private const int FallbackPageSize = 200;

    /// <summary>
    /// Makes the subscription's pending deliveries due at <paramref name="now"/>, leaving alone the ones a worker has leased
    /// right now, the finished ones and test sends.
    /// </summary>
    /// <remarks>
    /// The store does it in one conditional step (<see cref="IWebhookStore.RequeueDeliveriesAsync"/>), so a delivery that a
    /// worker claimed or delivered meanwhile is neither taken from it nor made pending again: either would send it twice.
    /// A custom store without that member is walked page by page with <see cref="IWebhookStore.RequeueDeliveryAsync"/>,
    /// which re-queues unconditionally: there a delivery claimed between the read and the re-queue can go out twice. Each
    /// is re-queued under its own tenant, as a host-level subscription's carry their events' tenants; a custom store whose
    /// delivery log does not read tenant <c>*</c> as every tenant lists none of them, and they fall due at the worker's
    /// recheck instead.
    /// </remarks>
    /// <param name="store">The store.</param>
    /// <param name="tenantId">The subscription's tenant.</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="now">The current time; the deliveries become due then.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>How many deliveries were made due.</returns>
    public static async ValueTask<int> MakeDueAsync(IWebhookStore store, string tenantId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await store.RequeueDeliveriesAsync(
                new WebhookRequeueRequest
                {
                    TenantId = tenantId,
                    SubscriptionId = subscriptionId,
                    DueAt = now,
                    IncludePending = true,
                    IncludeLeased = false,
                    IncludeDeadLettered = false,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            return await MakeDueOneByOneAsync(store, tenantId, subscriptionId, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask<int> MakeDueOneByOneAsync(IWebhookStore store, string tenantId, string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var requeued = 0;
        string? continuation = null;
        do
        {
            var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery
            {
                TenantId = tenantId,
                SubscriptionId = subscriptionId,
                Status = WebhookDeliveryStatus.Pending,
                Limit = FallbackPageSize,
                ContinuationToken = continuation,
            }, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < page.Items.Count; i++)
            {
                var delivery = page.Items[i];
                if (delivery.NextAttemptAt > now
                    && delivery.LeaseOwner is null
                    && delivery.EventType != WebhookOperationalEvents.Test
                    // The delivery's own tenant: a host-level subscription's ("*") carry their events' tenants.
                    && await store.RequeueDeliveryAsync(delivery.TenantId, delivery.Id, now, cancellationToken).ConfigureAwait(false))
                {
                    requeued++;
                }
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);

        return requeued;
    }
}
