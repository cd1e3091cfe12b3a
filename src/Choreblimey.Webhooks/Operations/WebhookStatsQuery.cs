namespace Choreblimey.Webhooks;

/// <summary>Selects the deliveries that <see cref="IWebhookStore.GetDeliveryStatsAsync"/> summarises: one tenant, optionally one subscription, over a window.</summary>
public sealed record WebhookStatsQuery
{
    /// <summary>
    /// Gets the tenant. <see cref="WebhookTenants.All"/> covers every tenant: a host-level subscription's deliveries carry
    /// the tenant of each event published to it, so its statistics are those of its deliveries in every tenant; without a
    /// <see cref="SubscriptionId"/> it summarises every tenant's deliveries.
    /// </summary>
    public required string TenantId { get; init; }

    /// <summary>Gets a subscription filter; <see langword="null"/> summarises the whole tenant.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Gets the inclusive start of the window (on delivery creation and attempt start times).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the exclusive end of the window.</summary>
    public DateTimeOffset? Before { get; init; }
}
