using System.Net;
using Choreblimey.Webhooks.Security;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>The guard's decision with allow-lists, as pure tests: nothing here connects anywhere.</summary>
public sealed class WebhookAddressPolicyTests
{
    private static WebhookAddressPolicy Policy(Action<WebhookSecurityOptions>? configure = null)
    {
        var options = new WebhookSecurityOptions();
        configure?.Invoke(options);
        return WebhookAddressPolicy.From(options);
    }

    [Fact]
    public void A_refusal_names_the_address_the_rule_the_host_and_the_option()
    {
        var refusal = Policy().Check("internal.example", IPAddress.Parse("10.0.0.5"), plainHttp: false);

        Assert.Equal(
            "Refused to connect to 10.0.0.5 (private network 10.0.0.0/8) for host internal.example: blocked by the address guard; "
            + "allow it with WebhookOptions.Security.AllowedNetworks (or AllowedHosts)",
            refusal);
    }

    [Fact]
    public void Public_addresses_pass_by_default() =>
        Assert.Null(Policy().Check("example.com", IPAddress.Parse("93.184.215.14"), plainHttp: false));

    [Fact]
    public void Allowed_networks_admit_their_addresses_only()
    {
        var policy = Policy(o => o.AllowedNetworks.Add("10.20.0.0/16"));

        Assert.Null(policy.Check("hooks.internal", IPAddress.Parse("10.20.3.4"), plainHttp: false));
        Assert.Null(policy.Check("hooks.internal", IPAddress.Parse("::ffff:10.20.3.4"), plainHttp: false));
        Assert.NotNull(policy.Check("hooks.internal", IPAddress.Parse("10.21.0.1"), plainHttp: false));
        Assert.NotNull(policy.Check("hooks.internal", IPAddress.Parse("169.254.169.254"), plainHttp: false));
    }

    [Fact]
    public void Allowed_ipv6_networks_admit_their_addresses()
    {
        var policy = Policy(o => o.AllowedNetworks.Add("fd00:1234::/32"));

        Assert.Null(policy.Check("hooks.internal", IPAddress.Parse("fd00:1234::9"), plainHttp: false));
        Assert.NotNull(policy.Check("hooks.internal", IPAddress.Parse("fd00:1235::9"), plainHttp: false));
    }

    [Fact]
    public void Allowed_hosts_match_exactly_ignoring_case_and_a_trailing_dot()
    {
        var policy = Policy(o => o.AllowedHosts.Add("Hooks.Internal.Example"));

        Assert.Null(policy.Check("hooks.internal.example", IPAddress.Parse("10.0.0.5"), plainHttp: false));
        Assert.Null(policy.Check("HOOKS.INTERNAL.EXAMPLE.", IPAddress.Parse("10.0.0.5"), plainHttp: false));
        Assert.NotNull(policy.Check("evil.hooks.internal.example", IPAddress.Parse("10.0.0.5"), plainHttp: false));
        Assert.NotNull(policy.Check("hooks.internal.example.evil", IPAddress.Parse("10.0.0.5"), plainHttp: false));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData(" [::1]. ")]
    public void An_allowed_ipv6_host_matches_with_or_without_brackets_at_registration_and_when_connecting(string configured)
    {
        // When connecting the host arrives bracketed; a URL's host is read without brackets at registration.
        var policy = Policy(o => o.AllowedHosts.Add(configured));

        Assert.Null(policy.Check("[::1]", IPAddress.IPv6Loopback, plainHttp: false));
        Assert.Null(policy.CheckUrlAddress("::1", IPAddress.IPv6Loopback));
        Assert.NotNull(policy.Check("[::2]", IPAddress.Parse("::2"), plainHttp: false));
    }

    [Fact]
    public void Invalid_entries_are_ignored_here_and_reported_by_the_validator()
    {
        var policy = Policy(o => o.AllowedNetworks.Add("not a network"));

        Assert.NotNull(policy.Check("x", IPAddress.Parse("10.0.0.5"), plainHttp: false));
    }

    [Fact]
    public void Plain_http_reaches_only_loopback_when_only_loopback_http_is_allowed()
    {
        var policy = Policy(o =>
        {
            o.AllowHttpForLoopback = true;
            o.AllowedNetworks.Add("127.0.0.0/8");
            o.AllowedNetworks.Add("10.0.0.0/8");
        });

        Assert.Null(policy.Check("localhost", IPAddress.Loopback, plainHttp: true));
        Assert.Null(policy.Check("10.0.0.5", IPAddress.Parse("10.0.0.5"), plainHttp: false));
        var refusal = policy.Check("10.0.0.5", IPAddress.Parse("10.0.0.5"), plainHttp: true);
        Assert.Contains("over plain http", refusal, StringComparison.Ordinal);
        Assert.NotNull(policy.Check("example.com", IPAddress.Parse("93.184.215.14"), plainHttp: true));
    }

    [Fact]
    public void Allowing_http_for_loopback_does_not_admit_loopback_addresses_by_itself()
    {
        var refusal = Policy(o => o.AllowHttpForLoopback = true).Check("localhost", IPAddress.Loopback, plainHttp: true);

        Assert.Contains("(loopback 127.0.0.0/8)", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Allow_http_admits_plain_http_to_any_admitted_address()
    {
        var policy = Policy(o => o.AllowHttp = true);

        Assert.Null(policy.Check("example.com", IPAddress.Parse("93.184.215.14"), plainHttp: true));
        Assert.NotNull(policy.Check("127.0.0.1", IPAddress.Loopback, plainHttp: true));
    }
}
