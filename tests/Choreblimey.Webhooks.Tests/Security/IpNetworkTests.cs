using System.Net;
using Choreblimey.Webhooks.Security;

namespace Choreblimey.Webhooks.Tests.Security;

public sealed class IpNetworkTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0", true)]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("172.16.0.0/12", "172.31.0.1", true)]
    [InlineData("172.16.0.0/12", "172.32.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.1", true)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("fc00::/7", "fdff::1", true)]
    [InlineData("fc00::/7", "fe00::1", false)]
    [InlineData("::1/128", "::1", true)]
    [InlineData("::/0", "2606:4700::1111", true)]
    [InlineData("2001:db8::/32", "2001:db8:1234::1", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.1", false)]
    [InlineData("::ffff:0:0/96", "::ffff:10.0.0.1", true)]
    public void Contains_compares_bits_within_one_family(string cidr, string address, bool expected) =>
        Assert.Equal(expected, IpNetwork.Parse(cidr).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData(" 127.0.0.0/8 ", "127.0.0.0/8")]
    [InlineData("192.0.2.1", "192.0.2.1/32")]
    [InlineData("FD00:0:0::/8", "fd00::/8")]
    [InlineData("::1", "::1/128")]
    public void Parses_and_prints_cidr_form(string text, string expected) =>
        Assert.Equal(expected, IpNetwork.Parse(text).ToString());

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("10.0.0.0/33", "prefix length")]
    [InlineData("10.0.0.0/-1", "prefix length")]
    [InlineData("10.0.0.0/abc", "prefix length")]
    [InlineData("fd00::/129", "prefix length")]
    [InlineData("10.0.0.1/8", "did you mean 10.0.0.0/8")]
    [InlineData("10/8", "CIDR form")]
    [InlineData("10.1/16", "CIDR form")]
    [InlineData("example.com/24", "CIDR form")]
    [InlineData("300.0.0.0/8", "CIDR form")]
    public void Rejects_invalid_networks_with_a_reason(string text, string reason)
    {
        Assert.False(IpNetwork.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
