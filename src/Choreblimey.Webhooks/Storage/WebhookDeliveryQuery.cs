namespace Choreblimey.Webhooks;

/// <summary>Filters and pages a tenant's delivery log, newest first.</summary>
public sealed record WebhookDeliveryQuery
{
    /// <summary>Gets the largest page size: a larger <see cref="Limit"/> gets pages of this size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Gets the tenant whose deliveries are returned. <see cref="WebhookTenants.All"/> covers every tenant: a host-level
    /// subscription's deliveries carry the tenant of each event published to it, so with its <see cref="SubscriptionId"/>
    /// they are returned from every tenant; without a <see cref="SubscriptionId"/>, every tenant's deliveries are.
    /// </summary>
    public required string TenantId { get; init; }

    /// <summary>Gets a subscription id filter.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Gets a message (event) id filter.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets an event type filter.</summary>
    public string? EventType { get; init; }

    /// <summary>Gets a status filter.</summary>
    public WebhookDeliveryStatus? Status { get; init; }

    /// <summary>Gets whether only pending deliveries that have failed at least once are returned ("failing").</summary>
    public bool FailingOnly { get; init; }

    /// <summary>Gets the inclusive lower bound on <see cref="WebhookDelivery.CreatedAt"/>.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Gets the exclusive upper bound on <see cref="WebhookDelivery.CreatedAt"/>.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>
    /// Gets the page size, from 1 to <see cref="MaxLimit"/>: a smaller value is taken as 1 and a larger one as
    /// <see cref="MaxLimit"/>. The default value is 100.
    /// </summary>
    public int Limit { get; init; } = 100;

    /// <summary>Gets the <see cref="WebhookPage{T}.ContinuationToken"/> of the previous page, unchanged; <see langword="null"/> for the first page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets this query with <see cref="Limit"/> brought into 1 to <see cref="MaxLimit"/>, as the stores read it.</summary>
    internal WebhookDeliveryQuery WithLimitInRange() => Limit is >= 1 and <= MaxLimit ? this : this with { Limit = Math.Clamp(Limit, 1, MaxLimit) };
}
