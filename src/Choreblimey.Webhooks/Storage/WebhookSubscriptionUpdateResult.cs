namespace Choreblimey.Webhooks;

/// <summary>What <see cref="IWebhookStore.UpdateSubscriptionIfUnchangedAsync"/> did.</summary>
public enum WebhookSubscriptionUpdateResult
{
    /// <summary>The subscription was replaced.</summary>
    Updated,

    /// <summary>The tenant has no subscription with that id; nothing was written.</summary>
    NotFound,

    /// <summary>Another writer changed the subscription since it was read (its stored <see cref="WebhookSubscription.UpdatedAt"/> moved); nothing was written.</summary>
    Changed,
}
