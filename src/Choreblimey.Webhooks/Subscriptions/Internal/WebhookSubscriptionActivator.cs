using Choreblimey.Webhooks.Delivery.Internal;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// Makes a paused or disabled subscription active again. The owner's <see cref="IWebhookSubscriptionManager.ResumeAsync"/>
/// and the operator's <see cref="IWebhookOperations.EnableSubscriptionAsync"/> both come here, so a resumed endpoint is
/// sent to exactly as an enabled one is: a resume that left the circuit open sent nothing until the break had passed.
/// </summary>
internal sealed class WebhookSubscriptionActivator(
    IWebhookStore store,
    WebhookSubscriptionRouter router,
    WebhookEndpointRegistry endpoints,
    WebhookWorkerSignal signal,
    TimeProvider timeProvider)
{
    /// <summary>Makes the subscription active, closes its circuit and makes the deliveries it held due now.</summary>
    /// <param name="tenantId">The subscription's tenant.</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>
    /// The change (nothing is written for an active subscription; no subscription when the tenant has none with that id)
    /// and how many held deliveries were made due.
    /// </returns>
    public async ValueTask<(WebhookSubscriptionChange Change, int Requeued)> ActivateAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken)
    {
        // An active subscription is left as it is: making its pending deliveries due would throw away their retry backoff
        // (and the rate limiter's hand-backs) and fire them all at an endpoint that may be failing.
        var change = await WebhookSubscriptionWriter.ChangeAsync(
            store,
            timeProvider,
            tenantId,
            subscriptionId,
            static (current, _) => current.State == WebhookSubscriptionState.Active ? null : current with { State = WebhookSubscriptionState.Active, DisabledReason = null },
            cancellationToken).ConfigureAwait(false);
        if (!change.Written)
        {
            return (change, 0);
        }

        router.Invalidate(tenantId);

        // A closed circuit, so the first attempt is sent; the destination's concurrency slots and rate limiter are not the
        // subscription's and stay as they are: a fresh set would let the attempts still in flight plus new ones exceed the
        // per-URL cap, and refill the rate burst.
        endpoints.ResetCircuit(subscriptionId);

        // Deliveries were held, not dropped, while it was inactive: make every pending one due now. Not only those created
        // since UpdatedAt: editing a disabled subscription (fixing its URL) moves UpdatedAt past deliveries it held.
        // Dead letters stay dead (RecoverAsync re-queues them), among them the ones that got it disabled. A delivery a
        // worker has leased right now is left to it: the worker either sends it (it saw the subscription active) or,
        // setting it aside, reads the subscription again and makes it due itself; taking it away could send it twice.
        var requeued = await WebhookHeldDeliveries.MakeDueAsync(store, tenantId, subscriptionId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return (change, requeued);
    }
}
