using System.Net;
using System.Net.Sockets;

namespace Choreblimey.Webhooks.Security;

/// <summary>
/// Decides whether an address is a public (global) unicast address a webhook may be sent to, or lies in a range that
/// must not be reachable from untrusted URLs: loopback, private, link-local (cloud metadata), shared, documentation,
/// multicast, reserved, and the IPv6 equivalents. IPv6 forms that carry an IPv4 address (mapped, compatible, 6to4, NAT64)
/// are judged by the IPv4 address they carry.
/// </summary>
internal static class IpAddressClassifier
{
    private static readonly IpAddressRule[] V4Rules =
    [
        IpAddressRule.Of("0.0.0.0/8", "unspecified (\"this network\")"),
        IpAddressRule.Of("10.0.0.0/8", "private network"),
        IpAddressRule.Of("100.64.0.0/10", "carrier-grade NAT shared space"),
        IpAddressRule.Of("127.0.0.0/8", "loopback"),
        IpAddressRule.Of("169.254.0.0/16", "link-local (cloud metadata)"),
        IpAddressRule.Of("172.16.0.0/12", "private network"),
        IpAddressRule.Of("192.0.0.0/24", "IETF protocol assignments"),
        IpAddressRule.Of("192.0.2.0/24", "documentation (TEST-NET-1)"),
        IpAddressRule.Of("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
        IpAddressRule.Of("192.168.0.0/16", "private network"),
        IpAddressRule.Of("198.18.0.0/15", "benchmarking"),
        IpAddressRule.Of("198.51.100.0/24", "documentation (TEST-NET-2)"),
        IpAddressRule.Of("203.0.113.0/24", "documentation (TEST-NET-3)"),
        IpAddressRule.Of("224.0.0.0/4", "multicast"),
        IpAddressRule.Of("255.255.255.255/32", "broadcast"),
        IpAddressRule.Of("240.0.0.0/4", "reserved"),
    ];

    private static readonly IpAddressRule[] V6Rules =
    [
        IpAddressRule.Of("::/128", "unspecified"),
        IpAddressRule.Of("::1/128", "loopback"),
        IpAddressRule.Of("::/96", "IPv4-compatible (deprecated)"),
        IpAddressRule.Of("64:ff9b:1::/48", "local-use NAT64"),
        IpAddressRule.Of("100::/64", "discard-only"),
        IpAddressRule.Of("2001:db8::/32", "documentation"),
        IpAddressRule.Of("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
        IpAddressRule.Of("3fff::/20", "documentation"),
        IpAddressRule.Of("5f00::/16", "segment routing (SRv6) identifiers"),
        IpAddressRule.Of("fc00::/7", "unique local (private network)"),
        IpAddressRule.Of("fe80::/10", "link-local"),
        IpAddressRule.Of("fec0::/10", "site-local (deprecated)"),
        IpAddressRule.Of("ff00::/8", "multicast"),
    ];

    private static readonly IpNetwork Nat64 = IpNetwork.Parse("64:ff9b::/96");
    private static readonly IpNetwork SixToFour = IpNetwork.Parse("2002::/16");
    private static readonly IpNetwork GlobalUnicast = IpNetwork.Parse("2000::/3");

    /// <summary>Maps an IPv4-mapped IPv6 address (<c>::ffff:a.b.c.d</c>) to its IPv4 address; returns others unchanged.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Classifies an address.</summary>
    public static IpAddressVerdict Classify(IPAddress address)
    {
        var normalized = Normalize(address);
        return new IpAddressVerdict(normalized, FindRule(normalized));
    }

    private static string? FindRule(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var rule in V4Rules)
            {
                if (rule.Network.Contains(address))
                {
                    return rule.Description;
                }
            }

            return null;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        foreach (var rule in V6Rules)
        {
            if (rule.Network.Contains(address))
            {
                return rule.Description;
            }
        }

        // NAT64 and 6to4 addresses reach the IPv4 address they embed: judge that one.
        var bits = IpNetwork.ToBits(address);
        if (Nat64.Contains(address))
        {
            return Embedded("NAT64 64:ff9b::/96", (uint)(bits & uint.MaxValue));
        }

        if (SixToFour.Contains(address))
        {
            return Embedded("6to4 2002::/16", (uint)((bits >> 80) & uint.MaxValue));
        }

        return GlobalUnicast.Contains(address) ? null : "not global unicast (outside 2000::/3)";
    }

    private static string? Embedded(string carrier, uint v4Bits)
    {
        var embedded = new IPAddress([(byte)(v4Bits >> 24), (byte)(v4Bits >> 16), (byte)(v4Bits >> 8), (byte)v4Bits]);
        var rule = FindRule(embedded);
        return rule is null ? null : $"{carrier} embedding {embedded}, {rule}";
    }
}
