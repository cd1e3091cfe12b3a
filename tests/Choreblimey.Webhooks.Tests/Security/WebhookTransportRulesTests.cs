using Choreblimey.Webhooks.Security;

namespace Choreblimey.Webhooks.Tests.Security;

public sealed class WebhookTransportRulesTests
{
    [Fact]
    public void Https_is_always_allowed() =>
        Assert.Null(Record.Exception(() => WebhookTransportRules.EnsureSchemeAllowed(new Uri("https://example.com/hook"), new WebhookSecurityOptions())));

    [Fact]
    public void Plain_http_is_refused_by_default_naming_the_scheme_and_the_option()
    {
        var exception = Assert.Throws<WebhookValidationException>(() =>
            WebhookTransportRules.EnsureSchemeAllowed(new Uri("http://example.com/hook?token=s3cr3t"), new WebhookSecurityOptions()));

        Assert.Equal("Url", exception.PropertyName);
        Assert.Contains("'http'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookOptions.Security.AllowHttp", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_to_loopback_is_refused_pointing_at_AllowLoopback_first()
    {
        // AllowHttp alone would not help here: the address guard refuses loopback addresses too.
        var exception = Assert.Throws<WebhookValidationException>(() =>
            WebhookTransportRules.EnsureSchemeAllowed(new Uri("http://127.0.0.1:5001/hook"), new WebhookSecurityOptions()));

        Assert.Equal(
            "The webhook URL for host 127.0.0.1 uses the scheme 'http', which is refused: for a receiver on this machine call AllowLoopback() "
            + "on the webhooks builder, which admits loopback addresses over plain http; otherwise use https.",
            exception.Message);
    }

    [Fact]
    public void Plain_http_is_allowed_when_configured() =>
        Assert.Null(Record.Exception(() => WebhookTransportRules.EnsureSchemeAllowed(new Uri("http://example.com/hook"), new WebhookSecurityOptions { AllowHttp = true })));

    [Theory]
    [InlineData("http://localhost:5000/hook")]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://[::1]:5000/hook")]
    [InlineData("http://LOCALHOST:5000/hook")]
    [InlineData("http://localhost.:5000/hook")]
    [InlineData("http://127.1.2.3/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    public void Plain_http_to_loopback_is_allowed_with_allow_http_for_loopback(string url) =>
        Assert.True(WebhookTransportRules.IsSchemeAllowed(new Uri(url), new WebhookSecurityOptions { AllowHttpForLoopback = true }, out _));

    [Theory]
    [InlineData("http://example.com/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://localhost.example.com/hook")]
    [InlineData("http://128.0.0.1/hook")]
    [InlineData("http://[::ffff:10.0.0.5]/hook")]
    [InlineData("http://[::2]/hook")]
    public void Allow_http_for_loopback_does_not_cover_other_hosts(string url) =>
        Assert.False(WebhookTransportRules.IsSchemeAllowed(new Uri(url), new WebhookSecurityOptions { AllowHttpForLoopback = true }, out _));

    [Fact]
    public void Other_schemes_are_refused()
    {
        Assert.False(WebhookTransportRules.IsSchemeAllowed(new Uri("ftp://example.com/"), new WebhookSecurityOptions { AllowHttp = true }, out var error));
        Assert.Contains("'ftp'", error, StringComparison.Ordinal);
    }
}
