namespace Choreblimey.Webhooks;

/// <summary>One message bound for one subscription, with its retry state.</summary>
public sealed record WebhookDelivery
{
    /// <summary>Gets the delivery id (<c>dlv_</c> followed by a time-sortable identifier).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the tenant of the message and subscription.</summary>
    public required string TenantId { get; init; }

    /// <summary>Gets the id of the message being delivered.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the id of the subscription the message is delivered to.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>Gets the message's event type (denormalised for queries).</summary>
    public required string EventType { get; init; }

    /// <summary>
    /// Gets whether this is a test send (<see cref="IWebhookOperations.SendTestAsync"/>, event type
    /// <see cref="WebhookOperationalEvents.Test"/>): recorded with its outcome, never retried, and left out of statistics. A
    /// failed test is dead-lettered, so a list of dead letters to replay should leave these out.
    /// </summary>
    public bool IsTest => EventType == WebhookOperationalEvents.Test;

    /// <summary>Gets the delivery state.</summary>
    public WebhookDeliveryStatus Status { get; init; }

    /// <summary>Gets how many attempts have been made.</summary>
    public int AttemptCount { get; init; }

    /// <summary>
    /// Gets when the delivery is next due. While leased, this is when the lease expires. It is a schedule only while the
    /// delivery is <see cref="WebhookDeliveryStatus.Pending"/>: a delivered or dead-lettered one keeps its last value.
    /// </summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Gets when the delivery was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the delivery reached <see cref="WebhookDeliveryStatus.Succeeded"/> or <see cref="WebhookDeliveryStatus.DeadLettered"/>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the worker holding the current lease, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets the fencing token of the latest lease; only the holder of this token may record an outcome.</summary>
    public long FencingToken { get; init; }

    /// <summary>Gets the HTTP status code of the last attempt, if it got a response.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>Gets the error of the last failed attempt.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// Gets the priority it was published with (<see cref="WebhookPublishOptions.Priority"/>): due deliveries are claimed by
    /// priority first, then by due time.
    /// </summary>
    public WebhookPriority Priority { get; init; }
}
