namespace Choreblimey.Webhooks;

/// <summary>
/// The outcome of an attempt as a worker reports it: the attempt to append and the delivery's next state.
/// A store applies it only while <see cref="FencingToken"/> is the delivery's current token.
/// </summary>
public sealed record WebhookAttemptRecord
{
    /// <summary>Gets the delivery id.</summary>
    public required string DeliveryId { get; init; }

    /// <summary>Gets the fencing token of the lease the attempt was made under.</summary>
    public required long FencingToken { get; init; }

    /// <summary>Gets the attempt to append to the delivery's log.</summary>
    public required WebhookAttempt Attempt { get; init; }

    /// <summary>Gets the delivery's new state: <see cref="WebhookDeliveryStatus.Pending"/> to reschedule, or a final state.</summary>
    public required WebhookDeliveryStatus NewStatus { get; init; }

    /// <summary>Gets when a rescheduled delivery is due again. Ignored for final states.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }
}
