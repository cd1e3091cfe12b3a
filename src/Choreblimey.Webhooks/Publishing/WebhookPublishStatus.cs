namespace Choreblimey.Webhooks;

/// <summary>What a publish did.</summary>
public enum WebhookPublishStatus
{
    /// <summary>The event was stored with one delivery per matching subscription that is active or disabled (possibly none); a disabled one's delivery is held.</summary>
    Published = 0,

    /// <summary>
    /// The idempotency key was seen before, for an event of the same type; nothing new was stored and the first event's id
    /// is returned. (A key seen before for another event type is refused instead: see <see cref="WebhookIdempotencyConflictException"/>.)
    /// </summary>
    Duplicate = 1,

    /// <summary>Webhooks are disabled (<see cref="WebhookOptions.Enabled"/>); nothing was stored or sent.</summary>
    Disabled = 2,

    /// <summary>The publish was invalid and <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is off; it was logged and counted, and nothing was stored.</summary>
    Rejected = 3,

    /// <summary>
    /// The store could not save the event and <see cref="WebhookOptions.ThrowOnStoreFailure"/> is off; it was logged and
    /// counted, nothing was stored, and the receipt's error names the failure.
    /// </summary>
    Failed = 4,
}
