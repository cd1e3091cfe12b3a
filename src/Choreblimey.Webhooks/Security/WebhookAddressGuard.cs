using System.Net;
using System.Net.Sockets;
using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// The connect callback of the delivery handler: resolves the receiver's name, checks every address it resolves to, and
/// connects only to an address that passed, trying them in order. Checking at connect time (not when the subscription is
/// created) means a name that later resolves somewhere else (DNS rebinding) is still refused.
/// </summary>
internal sealed class WebhookAddressGuard(IOptionsMonitor<WebhookOptions> options, IWebhookHostResolver resolver, ILogger<WebhookAddressGuard> logger)
{
    /// <summary>Connects to the receiver (or the configured proxy) of <paramref name="context"/>.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var security = options.CurrentValue.Security;
        var endpoint = context.DnsEndPoint;
        var addresses = ParseLiteral(endpoint.Host) is { } literal
            ? [literal]
            : await resolver.ResolveAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);

        IReadOnlyList<IPAddress> allowed;
        if (IsConfiguredProxy(endpoint, security))
        {
            // The operator chose this proxy; it resolves receiver names and applies its own egress rules.
            allowed = addresses;
        }
        else
        {
            var plainHttp = string.Equals(context.InitialRequestMessage.RequestUri?.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase);
            var policy = WebhookAddressPolicy.From(security);
            var passed = new List<IPAddress>(addresses.Length);
            string? firstRefusal = null;
            var refused = 0;
            foreach (var address in addresses)
            {
                var refusal = policy.Check(endpoint.Host, address, plainHttp);
                if (refusal is null)
                {
                    passed.Add(address);
                    continue;
                }

                refused++;
                firstRefusal ??= refusal;
                WebhookLog.AddressRefused(logger, endpoint.Host, address.ToString(), refusal);
            }

            if (passed.Count == 0)
            {
                var message = firstRefusal is null
                    ? $"The host {endpoint.Host} resolved to no addresses."
                    : refused > 1 ? $"{firstRefusal} (the other {refused - 1} {(refused == 2 ? "address" : "addresses")} of the host {(refused == 2 ? "was" : "were")} refused too)" : firstRefusal;
                throw new WebhookAddressBlockedException(message);
            }

            allowed = passed;
        }

        return await ConnectToFirstAsync(endpoint, allowed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a host that is an IP address in any form the resolver would accept (bracketed IPv6, dotted, dword, hex,
    /// octal); <see langword="null"/> for a name.
    /// </summary>
    public static IPAddress? ParseLiteral(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var text = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        return IPAddress.TryParse(text, out var address) ? address : null;
    }

    private static bool IsConfiguredProxy(DnsEndPoint endpoint, WebhookSecurityOptions security) =>
        security.Proxy is { } proxy
        && string.Equals(proxy.IdnHost, endpoint.Host, StringComparison.OrdinalIgnoreCase)
        && proxy.Port == endpoint.Port;

    private async Task<Stream> ConnectToFirstAsync(DnsEndPoint endpoint, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                WebhookLog.Connected(logger, endpoint.Host, address.ToString(), endpoint.Port);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                last = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
