using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Choreblimey.Webhooks.Security;

/// <summary>The URL scheme rule, shared by subscription validation and the sender.</summary>
internal static class WebhookTransportRules
{
    /// <summary>Throws when <paramref name="url"/> uses a scheme the options do not allow.</summary>
    /// <exception cref="WebhookValidationException">The URL uses plain http and http is not allowed for it.</exception>
    public static void EnsureSchemeAllowed(Uri url, WebhookSecurityOptions security)
    {
        if (!IsSchemeAllowed(url, security, out var error))
        {
            throw new WebhookValidationException("Url", error, null);
        }
    }

    /// <summary>Returns whether <paramref name="url"/> uses a scheme the options allow, and if not why.</summary>
    public static bool IsSchemeAllowed(Uri url, WebhookSecurityOptions security, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(security);
        error = null;
        if (string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            var loopback = IsLoopbackHost(url);
            if (security.AllowHttp || (security.AllowHttpForLoopback && loopback))
            {
                return true;
            }

            // For loopback, AllowHttp alone would not do: the address guard refuses loopback addresses too.
            error = $"The webhook URL for host {url.IdnHost} uses the scheme 'http', which is refused: "
                + (loopback
                    ? "for a receiver on this machine call AllowLoopback() on the webhooks builder, which admits loopback addresses over plain http; otherwise use https."
                    : "use https, or allow plain http with WebhookOptions.Security.AllowHttp.");
            return false;
        }

        error = $"The webhook URL for host {url.IdnHost} uses the scheme '{url.Scheme}'; only https (and http when WebhookOptions.Security.AllowHttp is set) is supported.";
        return false;
    }

    /// <summary>Returns whether the URL's host is <c>localhost</c> or a loopback address (127.0.0.0/8, ::1, or 127.x mapped to IPv6).</summary>
    /// <remarks>
    /// Not <see cref="Uri.IsLoopback"/>: it is computed lazily, and on .NET 10 two threads asking a new <see cref="Uri"/> at
    /// once can read <see langword="false"/> for 127.0.0.1 (about one pair in 70,000 in a stress loop). The worker's
    /// attempts share their subscription's <see cref="Uri"/>, so a delivery to a loopback receiver was refused as plain
    /// http now and then and dead-lettered. The host string itself reads the same from every thread.
    /// </remarks>
    internal static bool IsLoopbackHost(Uri url)
    {
        var host = url.IdnHost;
        if (IsLocalhostName(host))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address)
            && (IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4())));
    }

    /// <summary>Returns whether <paramref name="host"/> is the name <c>localhost</c>, in any case, with or without a trailing dot.</summary>
    internal static bool IsLocalhostName(string host) => string.Equals(host.TrimEnd('.'), "localhost", StringComparison.OrdinalIgnoreCase);
}
