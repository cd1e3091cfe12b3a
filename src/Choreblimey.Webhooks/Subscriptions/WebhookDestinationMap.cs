namespace Choreblimey.Webhooks;

/// <summary>
/// Maps events to destination URLs read from configuration keys, each with optional fallback keys: for example
/// <c>map.Route("booking.rescheduled", "MAKE_RESCHEDULE_WEBHOOK_URL", fallback: "MAKE_BOOKING_WEBHOOK_URL")</c>.
/// Each route whose URL is set becomes a subscription with the stable id <c>sub_cfg_route_&lt;pattern&gt;</c> (with a
/// <see cref="TenantId"/>, <c>sub_cfg_&lt;tenant&gt;__route_&lt;pattern&gt;</c>, as ids are unique across tenants); a route whose keys
/// are all unset is skipped: its events are counted (<c>webhooks.routes.skipped</c>) and logged at Debug, and the unset keys
/// are never an error. Every route's event is checked at start all the same: a misspelt one fails the start.
/// </summary>
public sealed class WebhookDestinationMap
{
    private readonly List<WebhookDestinationRoute> _routes = [];

    /// <summary>Gets or sets the tenant the routes' subscriptions belong to; <see langword="null"/> for the host-level tenant (<see cref="WebhookTenants.All"/>).</summary>
    public string? TenantId { get; set; }

    /// <summary>Gets or sets the envelope format of every route (see <see cref="WebhookEnvelopeFormats"/>); the default envelope when <see langword="null"/>.</summary>
    public string? Envelope { get; set; }

    /// <summary>Gets or sets the signature profile of every route; Standard Webhooks when <see langword="null"/>.</summary>
    public string? SignatureProfile { get; set; }

    /// <summary>
    /// Gets or sets the configuration key holding the signing secret; a secret is generated when the key, or its value, is
    /// unset or empty. A value of only whitespace fails the start.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Gets or sets how many deliveries a second each destination URL receives at most (a token bucket holding one
    /// second's worth); deliveries over it wait their turn, they are not failed. Unlimited when <see langword="null"/>.
    /// </summary>
    /// <remarks>
    /// The limit is the destination URL's: routes that resolve to the same URL (through their fallback key) share one
    /// token bucket, so the URL receives at most this rate in total, however many routes send to it; likewise
    /// <see cref="WebhookOptions.MaxConcurrentDeliveriesPerEndpoint"/> bounds the concurrent requests to the URL across all
    /// of them. A value subscriptions do not accept (at least 0.001, one in about 17 minutes, and at most 10,000) fails the
    /// host's start, naming the route.
    /// </remarks>
    public double? RateLimitPerSecond { get; set; }

    /// <summary>
    /// Gets or sets how long each attempt to a route's destination may take; <see cref="WebhookOptions.AttemptTimeout"/>
    /// when <see langword="null"/>. A value outside what subscriptions accept (1 to 60 seconds) fails the host's start, naming
    /// the route.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets the routes, in the order they were added.</summary>
    public IReadOnlyList<WebhookDestinationRoute> Routes => _routes;

    /// <summary>Adds a route.</summary>
    /// <param name="eventPattern">The event name or pattern the route carries, such as <c>booking.rescheduled</c> or <c>booking.*</c>.</param>
    /// <param name="urlKey">The configuration key holding the destination URL.</param>
    /// <param name="fallback">The key to read when <paramref name="urlKey"/> is unset or empty.</param>
    /// <returns>This map.</returns>
    public WebhookDestinationMap Route(string eventPattern, string urlKey, string? fallback = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventPattern);
        ArgumentException.ThrowIfNullOrEmpty(urlKey);
        _routes.Add(new WebhookDestinationRoute(eventPattern, fallback is null ? [urlKey] : [urlKey, fallback]));
        return this;
    }
}
