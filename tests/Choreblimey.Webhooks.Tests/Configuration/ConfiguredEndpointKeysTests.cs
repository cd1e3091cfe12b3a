using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>The keys of a configured endpoint entry: unknown ones fail the start, <c>RetrySchedule</c> is read.</summary>
public sealed class ConfiguredEndpointKeysTests
{
    private const string Url = "https://crm.example.com/hooks";

    private static IHost Build(Dictionary<string, string?> values, string section = "Webhooks")
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks()
            .AddEvent("chore:created", "Chores")
            .AddEvent("item.low_stock", "Inventory")
            .AddEndpointsFromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(section));
        return builder.Build();
    }

    private static async Task<WebhookSubscription?> StartAndGetAsync(IHost host, string tenantId, string id)
    {
        await host.StartAsync();
        var stored = await host.Services.GetRequiredService<IWebhookStore>().GetSubscriptionAsync(tenantId, id);
        await host.StopAsync();
        return stored;
    }

    [Theory]
    [InlineData("Webhooks:Endpoints:crm:Headers:0", "Authorization: Bearer x", "Webhooks:Endpoints:crm:Headers:0 is an array entry")]
    [InlineData("Webhooks:Endpoints:crm:Headers", "Authorization: Bearer x", "Webhooks:Endpoints:crm:Headers is a single value, which would be ignored")]
    [InlineData("Webhooks:Endpoints:crm:Metadata", "owner=ops", "Webhooks:Endpoints:crm:Metadata is a single value, which would be ignored")]
    [InlineData("Webhooks:Endpoints:crm:Filters", "region=leeds", "Webhooks:Endpoints:crm:Filters is a single value, which would be ignored")]
    public async Task Headers_metadata_and_filters_in_a_shape_that_would_be_ignored_fail_the_start(string key, string value, string expected)
    {
        using var host = Build(new() { ["Webhooks:Endpoints:crm:Url"] = Url, [key] = value });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_of_only_whitespace_fails_the_start_naming_its_path()
    {
        using var host = Build(new() { ["Webhooks:Endpoints:crm:Url"] = Url, ["Webhooks:Endpoints:crm:Secret"] = "  " });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("The webhook secret at 'Webhooks:Endpoints:crm:Secret' is only whitespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_secret_has_one_generated()
    {
        using var host = Build(new() { ["Webhooks:Endpoints:crm:Url"] = Url, ["Webhooks:Endpoints:crm:Secret"] = "" });

        var stored = await StartAndGetAsync(host, WebhookTenants.All, "sub_cfg_crm");

        Assert.NotNull(stored);
        Assert.Single(stored.Secrets);
    }

    [Theory]
    [InlineData("Tenant", "family-1")]
    [InlineData("EventType", "chore:created")]
    [InlineData("Retries", "3")]
    public async Task An_unknown_key_fails_the_start_naming_its_path_and_the_accepted_keys(string key, string value)
    {
        using var host = Build(new() { ["Webhooks:Endpoints:0:Url"] = Url, [$"Webhooks:Endpoints:0:{key}"] = value });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"Webhooks:Endpoints:0:{key}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"unknown key '{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Name, Url, EventTypes, TenantId, Secret,", error.Message, StringComparison.Ordinal);
        Assert.Contains("RetrySchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_nested_key_of_an_entry_fails_too()
    {
        using var host = Build(new() { ["Webhooks:Endpoints:crm:Url"] = Url, ["Webhooks:Endpoints:crm:Header:X-Api-Key"] = "k" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("unknown key 'Header' (Webhooks:Endpoints:crm:Header)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_of_a_filter_fails_the_start_naming_its_path()
    {
        using var host = Build(new()
        {
            ["Webhooks:Endpoints:0:Url"] = Url,
            ["Webhooks:Endpoints:0:Filters:0:Attribute"] = "stock",
            ["Webhooks:Endpoints:0:Filters:0:Operator"] = "Equals",
            ["Webhooks:Endpoints:0:Filters:0:Value"] = "5",
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("Webhooks:Endpoints:0:Filters:0:Value", error.Message, StringComparison.Ordinal);
        Assert.Contains("Attribute, Operator, Values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_match_without_regard_to_case()
    {
        using var host = Build(new()
        {
            ["Webhooks:Endpoints:0:name"] = "crm",
            ["Webhooks:Endpoints:0:URL"] = Url,
            ["Webhooks:Endpoints:0:tenantid"] = "family-1",
            ["Webhooks:Endpoints:0:EVENTTYPES:0"] = "chore:created",
        });

        var stored = await StartAndGetAsync(host, "family-1", "sub_cfg_family-1__crm");

        Assert.Equal(["chore:created"], stored!.EventPatterns);
    }

    [Fact]
    public async Task RetrySchedule_is_read_as_a_list_or_a_comma_separated_value()
    {
        using var listed = Build(new()
        {
            ["Webhooks:Endpoints:crm:Url"] = Url,
            ["Webhooks:Endpoints:crm:RetrySchedule:0"] = "0",
            ["Webhooks:Endpoints:crm:RetrySchedule:1"] = "00:00:05",
            ["Webhooks:Endpoints:crm:RetrySchedule:2"] = "00:30:00",
        });
        using var separated = Build(new()
        {
            ["Webhooks:Endpoints:crm:Url"] = Url,
            ["Webhooks:Endpoints:crm:RetrySchedule"] = "00:00:00, 00:00:05, 00:30:00",
        });

        TimeSpan[] expected = [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30)];
        Assert.Equal(expected, (await StartAndGetAsync(listed, WebhookTenants.All, "sub_cfg_crm"))!.RetrySchedule);
        Assert.Equal(expected, (await StartAndGetAsync(separated, WebhookTenants.All, "sub_cfg_crm"))!.RetrySchedule);
    }

    [Fact]
    public async Task A_bare_number_in_RetrySchedule_fails_the_start_naming_its_path()
    {
        using var host = Build(new()
        {
            ["Webhooks:Endpoints:crm:Url"] = Url,
            ["Webhooks:Endpoints:crm:RetrySchedule:0"] = "0",
            ["Webhooks:Endpoints:crm:RetrySchedule:1"] = "5",
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("The configuration value Webhooks:Endpoints:crm:RetrySchedule:1 is '5', a bare number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_name_the_section_the_endpoints_were_read_from()
    {
        using var host = Build(new() { ["Outbound:Hooks:Endpoints:crm:Description"] = "no url" }, "Outbound:Hooks");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal("The configured webhook endpoint Outbound:Hooks:Endpoints:crm has no Url.", error.Message);
    }
}
