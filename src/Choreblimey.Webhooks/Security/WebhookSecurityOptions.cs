namespace Choreblimey.Webhooks;

/// <summary>
/// Outbound safety settings: which addresses deliveries may connect to, whether plain http is allowed, the proxy and the
/// connection bounds. The defaults suit receivers on the public internet; see <c>docs/SECURITY.md</c>.
/// </summary>
public sealed class WebhookSecurityOptions
{
    /// <summary>
    /// Gets or sets whether plain <c>http</c> URLs may be used. When <see langword="false"/>, http URLs are refused when a
    /// subscription is created and, should one exist anyway, at send time. The default value is <see langword="false"/>.
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Gets or sets whether plain <c>http</c> is allowed to loopback receivers only (a URL whose host is <c>localhost</c> or
    /// a loopback address, and which connects to a loopback address). Loopback addresses must still be admitted through
    /// <see cref="AllowedNetworks"/>. Set by <c>AllowLoopback()</c>. The default value is <see langword="false"/>.
    /// </summary>
    public bool AllowHttpForLoopback { get; set; }

    /// <summary>
    /// Gets the networks, in CIDR form (<c>10.20.0.0/16</c>, <c>fd00:1234::/32</c>, <c>127.0.0.0/8</c>, or a bare address),
    /// that deliveries may connect to although the address guard blocks them by default (private, loopback, link-local and
    /// other non-public ranges). Entries are validated when the host starts. Empty by default.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>
    /// Gets host names (compared exactly, ignoring case) whose resolved addresses may be connected to whatever range they
    /// are in, for trusted internal receivers. Prefer <see cref="AllowedNetworks"/>: a name is only as trustworthy as the
    /// DNS that answers for it. Empty by default.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Gets or sets the HTTP proxy deliveries go through. When <see langword="null"/> (the default) no proxy is used, not even
    /// one configured for the process through environment variables. The proxy itself is trusted; it resolves receiver
    /// names, so it must apply its own egress filtering (the guard can still check receivers given as IP addresses).
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>
    /// Gets or sets the longest a TCP and TLS connection set-up may take. When set it must be more than 0 and at most
    /// <see cref="WebhookOptions.AttemptTimeout"/>. The default value is <see langword="null"/>: 10 seconds, or the attempt
    /// timeout when that is shorter.
    /// </summary>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>
    /// Gets or sets how long a pooled connection is reused before it is closed, so receiver names are resolved and checked
    /// again regularly. Must be more than 0 and at most 1 hour. The default value is 2 minutes.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);
}
