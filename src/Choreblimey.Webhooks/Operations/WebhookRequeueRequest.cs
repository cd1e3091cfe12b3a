namespace Choreblimey.Webhooks;

/// <summary>Asks a store to re-queue, in one step, the failed deliveries of one subscription (bulk recovery).</summary>
public sealed record WebhookRequeueRequest
{
    /// <summary>
    /// Gets the subscription's tenant. For a host-level subscription (<see cref="WebhookTenants.All"/>), whose deliveries
    /// carry the tenant of each event published to it, the request covers its deliveries in every tenant.
    /// </summary>
    public required string TenantId { get; init; }

    /// <summary>Gets the subscription.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>Gets the inclusive lower bound on <see cref="WebhookDelivery.CreatedAt"/>; <see langword="null"/> for all.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Gets when the re-queued deliveries become due.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>
    /// Gets whether every pending delivery that is not leased is made due too (for example the ones held while the
    /// subscription was disabled). When <see langword="false"/>, only dead-lettered deliveries and pending ones that have
    /// failed at least once are re-queued.
    /// </summary>
    public bool IncludePending { get; init; }

    /// <summary>
    /// Gets whether pending deliveries leased by a worker right now are taken too (with <see cref="IncludePending"/>). Their
    /// fencing token moves on, so the worker holding the lease can no longer record or release them; if that worker was
    /// sending one, it may be sent twice. The library's own operations leave leased deliveries to their workers.
    /// </summary>
    public bool IncludeLeased { get; init; }

    /// <summary>
    /// Gets whether dead-lettered deliveries are re-queued. The default value is <see langword="true"/>; <see langword="false"/>
    /// re-queues pending deliveries only, as enabling a subscription does (its dead letters are for <c>RecoverAsync</c>).
    /// </summary>
    public bool IncludeDeadLettered { get; init; } = true;
}
