namespace Choreblimey.Webhooks;

/// <summary>The lifecycle state of a <see cref="WebhookSubscription"/>.</summary>
public enum WebhookSubscriptionState
{
    /// <summary>Receives new deliveries and is sent to.</summary>
    Active = 0,

    /// <summary>Paused by its owner: new events are not routed to it.</summary>
    Paused = 1,

    /// <summary>Disabled by the library (for example after <c>410 Gone</c>) or an operator. Pending deliveries are kept, not sent.</summary>
    Disabled = 2,
}
