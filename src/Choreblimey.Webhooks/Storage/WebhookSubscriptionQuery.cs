namespace Choreblimey.Webhooks;

/// <summary>Filters and pages a tenant's subscriptions.</summary>
public sealed record WebhookSubscriptionQuery
{
    /// <summary>Gets the largest page size a query may ask for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the page size. The default value is 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Gets the token returned by the previous page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets an event type: only subscriptions whose patterns match it are returned.</summary>
    public string? EventType { get; init; }

    /// <summary>Gets a state: only subscriptions in that state are returned.</summary>
    public WebhookSubscriptionState? State { get; init; }
}
