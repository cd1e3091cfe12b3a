using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Tests.Security;

public sealed class WebhookSecurityOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(Action<WebhookOptions> configure)
    {
        var options = new WebhookOptions();
        configure(options);
        return new WebhookSecurityOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Defaults_are_valid_and_safe()
    {
        var options = new WebhookOptions();

        Assert.True(new WebhookSecurityOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.Security.AllowHttp);
        Assert.False(options.Security.AllowHttpForLoopback);
        Assert.Empty(options.Security.AllowedNetworks);
        Assert.Empty(options.Security.AllowedHosts);
        Assert.Null(options.Security.Proxy);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Security.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookPrimaryHandler.GetConnectTimeout(options));
    }

    [Fact]
    public void A_bad_network_entry_is_named()
    {
        var result = Validate(o =>
        {
            o.Security.AllowedNetworks.Add("10.0.0.0/8");
            o.Security.AllowedNetworks.Add("10.0.0.0/40");
        });

        Assert.True(result.Failed);
        Assert.Contains("WebhookOptions.Security.AllowedNetworks[1]", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/40", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_host_entry_is_named()
    {
        var result = Validate(o => o.Security.AllowedHosts.Add("not a host"));

        Assert.Contains("WebhookOptions.Security.AllowedHosts[0]", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_connect_timeout_must_not_exceed_the_attempt_timeout()
    {
        var result = Validate(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.Security.ConnectTimeout = TimeSpan.FromSeconds(6);
        });

        Assert.Contains("WebhookOptions.Security.ConnectTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(Validate(o => o.Security.ConnectTimeout = TimeSpan.Zero).Failed);
    }

    [Fact]
    public void The_default_connect_timeout_follows_a_shorter_attempt_timeout()
    {
        var options = new WebhookOptions { AttemptTimeout = TimeSpan.FromSeconds(3) };

        Assert.True(new WebhookSecurityOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(3), WebhookPrimaryHandler.GetConnectTimeout(options));
    }

    [Fact]
    public void The_pooled_connection_lifetime_is_bounded()
    {
        Assert.True(Validate(o => o.Security.PooledConnectionLifetime = TimeSpan.FromHours(2)).Failed);
        Assert.True(Validate(o => o.Security.PooledConnectionLifetime = TimeSpan.Zero).Failed);
    }

    [Fact]
    public void The_proxy_must_be_an_http_url() =>
        Assert.True(Validate(o => o.Security.Proxy = new Uri("socks5://127.0.0.1:1080")).Failed);

    [Fact]
    public void A_proxy_url_with_credentials_is_refused_without_echoing_them()
    {
        var result = Validate(o => o.Security.Proxy = new Uri("http://user:hunter2@proxy.internal:3128"));

        Assert.True(result.Failed);
        Assert.Contains("(http://proxy.internal:3128) carries credentials in its URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_with_a_bad_network_fails_to_start_naming_the_entry()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks(o => o.Security.AllowedNetworks.Add("192.168.1.1/16"));
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue);

        Assert.Contains("AllowedNetworks[0]", exception.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 192.168.0.0/16", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowed_networks_and_hosts_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Security:AllowHttp"] = "true",
                ["Security:AllowedNetworks:0"] = "10.20.0.0/16",
                ["Security:AllowedHosts:0"] = "hooks.internal",
                ["Security:Proxy"] = "http://proxy.internal:3128",
                ["Security:ConnectTimeout"] = "00:00:05",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks(configuration);
        using var provider = services.BuildServiceProvider();

        var security = provider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue.Security;

        Assert.True(security.AllowHttp);
        Assert.Equal(["10.20.0.0/16"], security.AllowedNetworks);
        Assert.Equal(["hooks.internal"], security.AllowedHosts);
        Assert.Equal(new Uri("http://proxy.internal:3128"), security.Proxy);
        Assert.Equal(TimeSpan.FromSeconds(5), security.ConnectTimeout);
    }
}
