using System.Net;

namespace Choreblimey.Webhooks.Security;

/// <summary>What the classifier decided about one address.</summary>
/// <param name="Address">The address as checked (IPv4-mapped IPv6 mapped back to IPv4).</param>
/// <param name="BlockedBy">The rule that blocks it, such as <c>private network 10.0.0.0/8</c>; <see langword="null"/> for a global address.</param>
internal readonly record struct IpAddressVerdict(IPAddress Address, string? BlockedBy)
{
    /// <summary>Gets whether the address is outside every blocked range.</summary>
    public bool IsGlobal => BlockedBy is null;
}
