using System.Net;
using Choreblimey.Webhooks.Security;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>Pure classifier tests: no address here is ever connected to.</summary>
public sealed class IpAddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback 127.0.0.0/8")]
    [InlineData("127.255.255.254", "loopback 127.0.0.0/8")]
    [InlineData("0.0.0.0", "0.0.0.0/8")]
    [InlineData("0.1.2.3", "0.0.0.0/8")]
    [InlineData("10.0.0.5", "private network 10.0.0.0/8")]
    [InlineData("10.255.255.255", "private network 10.0.0.0/8")]
    [InlineData("172.16.0.1", "private network 172.16.0.0/12")]
    [InlineData("172.31.255.255", "private network 172.16.0.0/12")]
    [InlineData("192.168.1.1", "private network 192.168.0.0/16")]
    [InlineData("169.254.169.254", "link-local (cloud metadata) 169.254.0.0/16")]
    [InlineData("169.254.0.1", "link-local (cloud metadata) 169.254.0.0/16")]
    [InlineData("100.64.0.1", "carrier-grade NAT shared space 100.64.0.0/10")]
    [InlineData("100.127.255.255", "carrier-grade NAT shared space 100.64.0.0/10")]
    [InlineData("224.0.0.1", "multicast 224.0.0.0/4")]
    [InlineData("239.255.255.250", "multicast 224.0.0.0/4")]
    [InlineData("255.255.255.255", "broadcast 255.255.255.255/32")]
    [InlineData("240.0.0.1", "reserved 240.0.0.0/4")]
    [InlineData("192.0.2.10", "192.0.2.0/24")]
    [InlineData("198.51.100.7", "198.51.100.0/24")]
    [InlineData("203.0.113.9", "203.0.113.0/24")]
    [InlineData("198.18.0.1", "benchmarking 198.18.0.0/15")]
    [InlineData("198.19.255.255", "benchmarking 198.18.0.0/15")]
    [InlineData("192.0.0.8", "IETF protocol assignments 192.0.0.0/24")]
    [InlineData("192.88.99.1", "192.88.99.0/24")]
    [InlineData("::1", "loopback ::1/128")]
    [InlineData("::", "unspecified ::/128")]
    [InlineData("::ffff:10.0.0.1", "private network 10.0.0.0/8")]
    [InlineData("::ffff:127.0.0.1", "loopback 127.0.0.0/8")]
    [InlineData("::ffff:7f00:1", "loopback 127.0.0.0/8")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata) 169.254.0.0/16")]
    [InlineData("::ffff:0.0.0.0", "0.0.0.0/8")]
    [InlineData("::127.0.0.1", "IPv4-compatible (deprecated) ::/96")]
    [InlineData("::10.0.0.1", "IPv4-compatible (deprecated) ::/96")]
    [InlineData("fe80::1", "link-local fe80::/10")]
    [InlineData("febf::1", "link-local fe80::/10")]
    [InlineData("fd00::1", "unique local (private network) fc00::/7")]
    [InlineData("fc00::1", "unique local (private network) fc00::/7")]
    [InlineData("fec0::1", "site-local (deprecated) fec0::/10")]
    [InlineData("ff02::1", "multicast ff00::/8")]
    [InlineData("ff0e::1", "multicast ff00::/8")]
    [InlineData("2001:db8::1", "documentation 2001:db8::/32")]
    [InlineData("2001:db8:ffff::1", "documentation 2001:db8::/32")]
    [InlineData("3fff::1", "documentation 3fff::/20")]
    [InlineData("100::1", "discard-only 100::/64")]
    [InlineData("2001::1", "2001::/23")]
    [InlineData("2001:2::1", "2001::/23")]
    [InlineData("64:ff9b::10.0.0.1", "NAT64 64:ff9b::/96 embedding 10.0.0.1, private network 10.0.0.0/8")]
    [InlineData("64:ff9b::127.0.0.1", "NAT64 64:ff9b::/96 embedding 127.0.0.1, loopback 127.0.0.0/8")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 64:ff9b::/96 embedding 169.254.169.254, link-local")]
    [InlineData("64:ff9b:1::1", "local-use NAT64 64:ff9b:1::/48")]
    [InlineData("2002:a00:1::", "6to4 2002::/16 embedding 10.0.0.1, private network 10.0.0.0/8")]
    [InlineData("2002:7f00:1::1", "6to4 2002::/16 embedding 127.0.0.1, loopback 127.0.0.0/8")]
    [InlineData("2002:c0a8:101::", "6to4 2002::/16 embedding 192.168.1.1, private network")]
    [InlineData("4000::1", "not global unicast (outside 2000::/3)")]
    [InlineData("e000::1", "not global unicast (outside 2000::/3)")]
    public void Blocks_non_public_addresses_and_names_the_rule(string text, string rule)
    {
        var verdict = IpAddressClassifier.Classify(IPAddress.Parse(text));

        Assert.False(verdict.IsGlobal, $"{text} should be blocked");
        Assert.Contains(rule, verdict.BlockedBy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("11.0.0.1")]
    [InlineData("9.255.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.1")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("192.0.3.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001:82b::200e")]
    [InlineData("2001:200::1")]
    [InlineData("2001:db9::1")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("2002:808:808::1")]
    public void Admits_public_addresses(string text)
    {
        var verdict = IpAddressClassifier.Classify(IPAddress.Parse(text));

        Assert.True(verdict.IsGlobal, $"{text} should be allowed but was blocked by {verdict.BlockedBy}");
    }

    [Fact]
    public void Maps_ipv4_mapped_ipv6_back_to_ipv4_before_checking()
    {
        var verdict = IpAddressClassifier.Classify(IPAddress.Parse("::ffff:10.0.0.1"));

        Assert.Equal(IPAddress.Parse("10.0.0.1"), verdict.Address);
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, verdict.Address.AddressFamily);
    }

    [Theory]
    [InlineData("http://0x7f000001/", "loopback")]
    [InlineData("http://2130706433/", "loopback")]
    [InlineData("http://017700000001/", "loopback")]
    [InlineData("http://127.1/", "loopback")]
    [InlineData("http://0177.0.0.1/", "loopback")]
    [InlineData("http://0x7f.0.0.1/", "loopback")]
    [InlineData("http://127.000.000.001/", "loopback")]
    [InlineData("https://[::1]:8443/hook", "loopback")]
    [InlineData("http://[0:0:0:0:0:0:0:1]/", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("http://[::ffff:7f00:1]/", "loopback")]
    [InlineData("http://0/", "0.0.0.0/8")]
    [InlineData("http://0.0.0.0:8080/", "0.0.0.0/8")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://0xa9fea9fe/", "link-local")]
    [InlineData("http://2852039166/", "link-local")]
    [InlineData("http://[::ffff:a9fe:a9fe]/", "link-local")]
    [InlineData("http://10.1/", "private network 10.0.0.0/8")]
    [InlineData("http://0xa.0.0.5/", "private network 10.0.0.0/8")]
    [InlineData("http://012.0.0.5/", "private network 10.0.0.0/8")]
    [InlineData("https://192.168.0.1:443/", "private network 192.168.0.0/16")]
    [InlineData("https://[fd00::1]:8080/", "unique local")]
    [InlineData("https://[fe80::1%25eth0]/", "link-local fe80::/10")]
    [InlineData("https://100.64.0.1/", "carrier-grade NAT")]
    public void Url_host_literals_in_any_notation_are_blocked(string url, string rule)
    {
        var uri = new Uri(url);
        var address = WebhookAddressGuard.ParseLiteral(uri.IdnHost);

        Assert.NotNull(address);
        var verdict = IpAddressClassifier.Classify(address);
        Assert.False(verdict.IsGlobal, $"{url} (host {uri.IdnHost}) should be blocked");
        Assert.Contains(rule, verdict.BlockedBy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2606:4700::1111]/hook")]
    [InlineData("https://0x08080808/hook")]
    public void Url_host_literals_of_public_addresses_are_allowed(string url)
    {
        var address = WebhookAddressGuard.ParseLiteral(new Uri(url).IdnHost);

        Assert.NotNull(address);
        Assert.True(IpAddressClassifier.Classify(address).IsGlobal);
    }

    [Theory]
    [InlineData("https://example.com/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://metadata.google.internal/")]
    public void Names_are_not_literals_and_are_checked_after_resolution(string url) =>
        Assert.Null(WebhookAddressGuard.ParseLiteral(new Uri(url).IdnHost));
}
