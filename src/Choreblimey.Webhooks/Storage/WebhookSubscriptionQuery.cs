namespace Choreblimey.Webhooks;

/// <summary>Filters and pages a tenant's subscriptions.</summary>
public sealed record WebhookSubscriptionQuery
{
    /// <summary>Gets the largest page size: a larger <see cref="Limit"/> gets pages of this size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// Gets the page size, from 1 to <see cref="MaxLimit"/>: a smaller value is taken as 1 and a larger one as
    /// <see cref="MaxLimit"/>. The default value is 100.
    /// </summary>
    public int Limit { get; init; } = 100;

    /// <summary>Gets the <see cref="WebhookPage{T}.ContinuationToken"/> of the previous page, unchanged; <see langword="null"/> for the first page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets an event type: only subscriptions whose patterns match it are returned.</summary>
    public string? EventType { get; init; }

    /// <summary>Gets a state: only subscriptions in that state are returned.</summary>
    public WebhookSubscriptionState? State { get; init; }

    /// <summary>Gets this query with <see cref="Limit"/> brought into 1 to <see cref="MaxLimit"/>, as the stores read it.</summary>
    internal WebhookSubscriptionQuery WithLimitInRange() => Limit is >= 1 and <= MaxLimit ? this : this with { Limit = Math.Clamp(Limit, 1, MaxLimit) };
}
