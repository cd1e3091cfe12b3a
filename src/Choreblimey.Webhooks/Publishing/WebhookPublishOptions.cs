namespace Choreblimey.Webhooks;

/// <summary>Options of one publish.</summary>
public sealed record WebhookPublishOptions
{
    /// <summary>Gets the tenant the event belongs to; <see langword="null"/> for single-tenant hosts.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the id of whoever caused the event.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets a key that makes re-publishing harmless (per tenant).</summary>
    public string? IdempotencyKey { get; init; }
}
