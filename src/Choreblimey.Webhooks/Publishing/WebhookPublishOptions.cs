namespace Choreblimey.Webhooks;

/// <summary>Options of one publish.</summary>
public sealed record WebhookPublishOptions
{
    /// <summary>Gets the tenant the event belongs to; <see langword="null"/> for single-tenant hosts.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the id of whoever caused the event.</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Gets a key that makes re-publishing harmless (per tenant): a second publish of the same event type with this key
    /// stores nothing and returns the first event's id. The key stands for one event; reusing it for another event type is
    /// refused with a <see cref="WebhookIdempotencyConflictException"/> (a <see cref="WebhookPublishStatus.Rejected"/> receipt
    /// with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> off).
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// Gets attributes of the event that subscriptions can filter on (see <see cref="WebhookAttributeFilter"/>), such as
    /// <c>location</c>, <c>category</c> or <c>stock</c>; numbers are written with the invariant culture. They steer routing
    /// only and are not part of the delivered body. At most 64, with names of 1 to 128 characters and values of at most 1,024.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>
    /// Gets the priority of the event's deliveries: due deliveries are claimed by priority first, then by due time. The default
    /// value is <see cref="WebhookPriority.Normal"/>.
    /// </summary>
    public WebhookPriority Priority { get; init; } = WebhookPriority.Normal;
}
