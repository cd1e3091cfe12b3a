namespace Choreblimey.Webhooks;

/// <summary>What <see cref="IWebhookStore.RequeueDeliveryIfNotLeasedAsync"/> did.</summary>
public enum WebhookDeliveryRequeueResult
{
    /// <summary>The delivery was re-queued: pending, due at the given time, its fencing token moved on.</summary>
    Requeued,

    /// <summary>The tenant has no delivery with that id; nothing was written.</summary>
    NotFound,

    /// <summary>
    /// A worker holds the delivery under a lease that is still live (pending, with a lease owner and a lease expiry after
    /// the given time); nothing was written, so that worker can still record or release it.
    /// </summary>
    Leased,
}
