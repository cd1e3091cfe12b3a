namespace Choreblimey.Webhooks;

/// <summary>
/// Hands a leased delivery back without counting an attempt (endpoint busy, circuit open, rate limited or shutting down).
/// </summary>
/// <param name="DeliveryId">The delivery id.</param>
/// <param name="FencingToken">The fencing token of the lease being released.</param>
/// <param name="DueAt">When the delivery becomes due again.</param>
public readonly record struct WebhookLeaseRelease(string DeliveryId, long FencingToken, DateTimeOffset DueAt);
