namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// What one destination URL can take from one tenant, shared by every subscription of the tenant that sends to it: a cap
/// on attempts in flight (<see cref="WebhookOptions.MaxConcurrentDeliveriesPerEndpoint"/>), the leases this worker holds
/// for it (twice that), and its rate limiters.
/// </summary>
/// <remarks>
/// A tenant's subscriptions to one URL with the same <see cref="WebhookSubscription.RateLimitPerSecond"/> share one token
/// bucket, so the URL receives at most that rate in total from the tenant (several routes of a
/// <see cref="WebhookDestinationMap"/> falling back to one URL). Subscriptions to one URL with different limits keep a
/// bucket each: each is held to its own limit, and the URL receives at most their sum. Each rate keeps its bucket while
/// it is used, so two limits in turn never replace one another's.
/// </remarks>
internal sealed class WebhookDestinationState(int maxConcurrency, TimeProvider timeProvider, long createdAtTicks) : WebhookIdleState(createdAtTicks)
{
    private readonly Lock _gate = new();
    private WebhookRateLimiter[] _rateLimiters = [];

    /// <summary>Gets the slots for attempts in flight to this destination.</summary>
    public SemaphoreSlim Slots { get; } = new(maxConcurrency, maxConcurrency);

    /// <summary>Gets the number of rate limiters kept for this destination, one per limit in use.</summary>
    internal int RateLimiterCount => Volatile.Read(ref _rateLimiters).Length;

    /// <summary>Gets the rate limiter for <paramref name="permitsPerSecond"/>, creating it on first use of that limit.</summary>
    /// <remarks>
    /// A new limit (a subscription's changed, or a second subscription's) also drops the buckets of other limits that have
    /// stood full for <see cref="WebhookEndpointRegistry.IdleLifetime"/>: nothing is lost with them, as a new bucket starts
    /// full, and a URL whose subscriptions' limits were changed often does not keep every old one. They are not disposed:
    /// an attempt that took a token from one may still give it back.
    /// </remarks>
    public WebhookRateLimiter GetRateLimiter(double permitsPerSecond)
    {
        if (Find(Volatile.Read(ref _rateLimiters), permitsPerSecond) is { } found)
        {
            return found;
        }

        lock (_gate)
        {
            var current = _rateLimiters;
            if (Find(current, permitsPerSecond) is { } added)
            {
                return added;
            }

            var created = new WebhookRateLimiter(permitsPerSecond, timeProvider);
            Volatile.Write(ref _rateLimiters, [.. current.Where(static l => !(l.IdleDuration >= WebhookEndpointRegistry.IdleLifetime)), created]);
            return created;
        }
    }

    private static WebhookRateLimiter? Find(WebhookRateLimiter[] limiters, double permitsPerSecond)
    {
        foreach (var limiter in limiters)
        {
            if (limiter.PermitsPerSecond.Equals(permitsPerSecond))
            {
                return limiter;
            }
        }

        return null;
    }
}
