using System.Net;
using Choreblimey.Webhooks.Subscriptions;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Finds whether deliveries connect through the address guard, by walking the delivery client's handler chain down to its
/// primary handler, and refuses a URL whose address would be refused on every attempt.
/// </summary>
/// <remarks>
/// The chain is read once, when it is first needed (at start, or when a URL holding an address is registered). Every
/// handler the factory builds for the client is configured alike, so the one read here tells how all of them connect.
/// </remarks>
internal sealed class WebhookTransportInspector(IHttpMessageHandlerFactory handlers, WebhookAddressGuard guard)
{
    private readonly Lazy<(WebhookTransportKind Kind, string Description)> _transport = new(() => Find(handlers, guard));

    /// <summary>Gets how the delivery client reaches receivers.</summary>
    public WebhookTransportKind Kind => _transport.Value.Kind;

    /// <summary>
    /// Gets what the chain ends in, for messages: the primary handler's type and whether its connect callback was
    /// replaced; or, for <see cref="WebhookTransportKind.Unknown"/>, why the chain could not be created.
    /// </summary>
    public string Description => _transport.Value.Description;

    /// <summary>
    /// Throws when <paramref name="url"/> holds an address (or <c>localhost</c>) that would be refused at every attempt, so
    /// that whoever registers it hears why instead of finding every delivery dead-lettered. This mirrors the send-time
    /// rules: without a proxy, the guard judges the address when it is in the chain; through a proxy, the sender judges a
    /// URL that holds an address. Host names are left to the guard, which checks what they resolve to at every connection.
    /// </summary>
    /// <exception cref="WebhookValidationException">Every attempt to deliver to the URL's address would be refused.</exception>
    public void EnsureAddressAllowed(Uri url, WebhookSecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(security);
        var host = url.IdnHost;
        // Through a proxy localhost is the proxy's to resolve; without one the guard admits it when either of its
        // addresses passes (the IPv4 one is named when neither does).
        IPAddress[] addresses = WebhookAddressGuard.ParseLiteral(host) is { } literal ? [literal]
            : security.Proxy is null && WebhookTransportRules.IsLocalhostName(host) ? [IPAddress.IPv6Loopback, IPAddress.Loopback]
            : [];
        if (addresses.Length == 0 || (security.Proxy is null && Kind != WebhookTransportKind.Guarded))
        {
            return;
        }

        var policy = WebhookAddressPolicy.From(security);
        string? refusal = null;
        foreach (var address in addresses)
        {
            // Plain http was judged by the scheme rule already; here only the address counts.
            refusal = policy.CheckUrlAddress(host, address);
            if (refusal is null)
            {
                return;
            }
        }

        throw new WebhookValidationException("Url", refusal!, null);
    }

    private static (WebhookTransportKind, string) Find(IHttpMessageHandlerFactory handlers, WebhookAddressGuard guard)
    {
        HttpMessageHandler handler;
        try
        {
            handler = handlers.CreateHandler(WebhookConstants.HttpClientName);
        }
#pragma warning disable CA1031 // The host's own handler configuration failed: reported at start, and by every delivery.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return (WebhookTransportKind.Unknown, $"{exception.GetType().Name}: {exception.Message}");
        }

        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        var type = handler.GetType().FullName ?? handler.GetType().Name;
        return handler switch
        {
            SocketsHttpHandler { ConnectCallback: { } connect } when ReferenceEquals(connect.Target, guard) => (WebhookTransportKind.Guarded, type),
            SocketsHttpHandler { ConnectCallback: { } } => (WebhookTransportKind.Unguarded, $"{type} whose ConnectCallback is not the library's address guard"),
            IWebhookInProcessHandler => (WebhookTransportKind.InProcess, type),
            _ => (WebhookTransportKind.Unguarded, $"{type}, in place of the library's"),
        };
    }
}
