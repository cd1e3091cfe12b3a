namespace Choreblimey.Webhooks;

/// <summary>The state of one delivery of a message to one subscription.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (or leased by a worker and in flight).</summary>
    Pending = 0,

    /// <summary>A receiver answered 2xx.</summary>
    Succeeded = 1,

    /// <summary>Every attempt failed or the failure was permanent; kept for inspection and replay.</summary>
    DeadLettered = 2,
}
