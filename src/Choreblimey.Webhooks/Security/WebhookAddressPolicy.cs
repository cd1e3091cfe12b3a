using System.Net;
using System.Net.Sockets;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// The address guard's decision for one snapshot of <see cref="WebhookSecurityOptions"/>: the classifier's verdict, then
/// the allow-lists. Pure, so every rule is testable without a network.
/// </summary>
internal sealed class WebhookAddressPolicy
{
    private readonly IpNetwork[] _allowedNetworks;
    private readonly HashSet<string> _allowedHosts;
    private readonly bool _allowHttp;
    private readonly bool _allowHttpForLoopback;

    private WebhookAddressPolicy(IpNetwork[] allowedNetworks, HashSet<string> allowedHosts, bool allowHttp, bool allowHttpForLoopback)
    {
        _allowedNetworks = allowedNetworks;
        _allowedHosts = allowedHosts;
        _allowHttp = allowHttp;
        _allowHttpForLoopback = allowHttpForLoopback;
    }

    /// <summary>Builds the policy from the options (entries that are not valid CIDRs are ignored; the options validator reports them at start).</summary>
    public static WebhookAddressPolicy From(WebhookSecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(security);
        var networks = new List<IpNetwork>(security.AllowedNetworks.Count);
        foreach (var entry in security.AllowedNetworks)
        {
            if (IpNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
        }

        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in security.AllowedHosts)
        {
            if (!string.IsNullOrWhiteSpace(host))
            {
                hosts.Add(NormalizeHost(host));
            }
        }

        return new WebhookAddressPolicy([.. networks], hosts, security.AllowHttp, security.AllowHttpForLoopback);
    }

    /// <summary>
    /// Returns why connecting to <paramref name="address"/> for <paramref name="host"/> is refused, or <see langword="null"/>
    /// when it is allowed.
    /// </summary>
    public string? Check(string host, IPAddress address, bool plainHttp)
    {
        ArgumentNullException.ThrowIfNull(host);
        var verdict = IpAddressClassifier.Classify(address);
        var checkedAddress = verdict.Address;
        if (plainHttp && !_allowHttp && !(_allowHttpForLoopback && IPAddress.IsLoopback(checkedAddress)))
        {
            return $"Refused to connect to {checkedAddress} for host {host} over plain http: only loopback addresses may be reached over http "
                + "(WebhookOptions.Security.AllowHttpForLoopback); use https or set WebhookOptions.Security.AllowHttp";
        }

        if (verdict.IsGlobal || IsAllowed(host, address, checkedAddress))
        {
            return null;
        }

        return $"Refused to connect to {checkedAddress} ({verdict.BlockedBy}) for host {host}: blocked by the address guard; {Remedy(checkedAddress)}";
    }

    /// <summary>
    /// Returns why a webhook URL whose host is <paramref name="address"/> could never be delivered to, or
    /// <see langword="null"/> when the guard would let it through; worded for whoever registers the URL.
    /// </summary>
    public string? CheckUrlAddress(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        var verdict = IpAddressClassifier.Classify(address);
        if (verdict.IsGlobal || IsAllowed(host, address, verdict.Address))
        {
            return null;
        }

        var literal = string.Equals(NormalizeHost(host), verdict.Address.ToString(), StringComparison.OrdinalIgnoreCase);
        return (literal
                ? $"The webhook URL's address {verdict.Address} ({verdict.BlockedBy}) is refused by the address guard"
                : $"The webhook URL's host {host} is {verdict.Address} ({verdict.BlockedBy}), which the address guard refuses")
            + $", so no delivery could reach it; {Remedy(verdict.Address)}.";
    }

    private static string Remedy(IPAddress checkedAddress) =>
        IPAddress.IsLoopback(checkedAddress)
            ? "for a receiver on this machine call AllowLoopback() on the webhooks builder, or allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts)"
            : "allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts)";

    // The connect path sees an IPv6 host in brackets ("[::1]"), a URL's host may come without them ("::1"), and either
    // may be configured: compared without brackets, surrounding space or a trailing dot, every spelling means one host.
    private static string NormalizeHost(string host)
    {
        var trimmed = host.Trim().TrimEnd('.');
        return trimmed.Length > 2 && trimmed[0] == '[' && trimmed[^1] == ']' ? trimmed[1..^1] : trimmed;
    }

    private bool IsAllowed(string host, IPAddress original, IPAddress normalized)
    {
        if (_allowedHosts.Count > 0 && _allowedHosts.Contains(NormalizeHost(host)))
        {
            return true;
        }

        foreach (var network in _allowedNetworks)
        {
            if (network.Contains(normalized) || (original.AddressFamily == AddressFamily.InterNetworkV6 && network.Contains(original)))
            {
                return true;
            }
        }

        return false;
    }
}
