using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>Durations bound from configuration: a bare number (which <see cref="TimeSpan"/> reads as days) fails the start.</summary>
public sealed class ConfigurationDurationTests
{
    private static IHost Build(Dictionary<string, string?> values, bool withEndpoints = false)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Webhooks");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var webhooks = builder.Services.AddWebhooks(section).AddEvent("chore:created", "Chores").AddEvent("error.occurred", "Errors");
        if (withEndpoints)
        {
            webhooks.AddEndpointsFromConfiguration(section);
        }

        return builder.Build();
    }

    [Theory]
    [InlineData("Webhooks:Retry:Schedule:1", "5", "'00:00:05' for 5 seconds")]
    [InlineData("Webhooks:SecretRotationWindow", "24", "'00:00:24' for 24 seconds")]
    [InlineData("Webhooks:EventTimeToLive", "2592000", "'30.00:00:00' for 2592000 seconds")]
    [InlineData("Webhooks:AttemptTimeout", "30", "'00:00:30' for 30 seconds")]
    [InlineData("Webhooks:CircuitBreaker:BreakDuration", " 45 ", "'00:00:45' for 45 seconds")]
    [InlineData("Webhooks:Retention:PerEventType:chore.created", "30", "'30.00:00:00' for 30 days")]
    [InlineData("Webhooks:Health:DisableAfterFailingFor", "-5", "[d.]hh:mm:ss")]
    public async Task A_bare_number_fails_the_start_naming_the_key_the_value_and_what_to_write(string key, string value, string advice)
    {
        using var host = Build(new() { ["Webhooks:Retry:Schedule:0"] = "0", [key] = value });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"The configuration value {key} is '{value.Trim()}', a bare number", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_schedule_given_as_one_comma_separated_value_binds_as_a_list()
    {
        using var host = Build(new() { ["Webhooks:Retry:Schedule"] = "0, 00:00:05,00:01:00" });

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        await host.StopAsync();

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)], options.Retry.Schedule);
    }

    [Fact]
    public async Task A_bare_number_in_a_comma_separated_retry_schedule_fails_the_start()
    {
        using var host = Build(new() { ["Webhooks:Retry:Schedule"] = "0,5" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Webhooks:Retry:Schedule is '5', a bare number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durations_with_a_colon_and_a_zero_bind_as_written()
    {
        using var host = Build(new()
        {
            ["Webhooks:Retry:Schedule:0"] = "0",
            ["Webhooks:Retry:Schedule:1"] = "00:00:05",
            ["Webhooks:Retry:Schedule:2"] = "00:30:00",
            ["Webhooks:Retry:Schedule:3"] = "1.00:00:00",
            ["Webhooks:SecretRotationWindow"] = "1.00:00:00",
            ["Webhooks:EventTimeToLive"] = "30.00:00:00",
            ["Webhooks:Retention:PerEventType:error.occurred"] = "7.00:00:00",
        });

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        await host.StopAsync();

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30), TimeSpan.FromDays(1)], options.Retry.Schedule);
        Assert.Equal(TimeSpan.FromDays(1), options.SecretRotationWindow);
        Assert.Equal(TimeSpan.FromDays(30), options.EventTimeToLive);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention.PerEventType["error.occurred"]);
    }

    [Fact]
    public async Task A_bare_number_as_an_endpoint_timeout_fails_the_start_naming_its_path()
    {
        using var host = Build(
            new() { ["Webhooks:Endpoints:crm:Url"] = "https://crm.example.com/hooks", ["Webhooks:Endpoints:crm:Timeout"] = "10" },
            withEndpoints: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("The configuration value Webhooks:Endpoints:crm:Timeout is '10', a bare number", error.Message, StringComparison.Ordinal);
        Assert.Contains("'00:00:10' for 10 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_timeout_with_a_colon_binds_as_written()
    {
        using var host = Build(
            new() { ["Webhooks:Endpoints:crm:Url"] = "https://crm.example.com/hooks", ["Webhooks:Endpoints:crm:Timeout"] = "00:00:10" },
            withEndpoints: true);

        await host.StartAsync();
        var stored = await host.Services.GetRequiredService<IWebhookStore>().GetSubscriptionAsync(WebhookTenants.All, "sub_cfg_crm");
        await host.StopAsync();

        Assert.Equal(TimeSpan.FromSeconds(10), stored!.Timeout);
    }
}
