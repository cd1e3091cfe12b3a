using Choreblimey.Webhooks.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>The PostgreSQL store's options bound from configuration (no server needed: nothing is opened).</summary>
public sealed class PostgreSqlStoreConfigurationTests
{
    [Fact]
    public async Task The_options_bind_from_configuration()
    {
        await using var provider = Provider(new()
        {
            ["ConnectionString"] = "Host=localhost;Database=shop",
            ["Schema"] = "shop_webhooks",
            ["UseNotifications"] = "false",
            ["PrepareStatements"] = "false",
        });

        var options = provider.GetRequiredService<IOptions<PostgreSqlWebhookStoreOptions>>().Value;

        Assert.Equal("Host=localhost;Database=shop", options.ConnectionString);
        Assert.Equal("shop_webhooks", options.Schema);
        Assert.True(options.InstallSchema);
        Assert.False(options.UseNotifications);
        Assert.False(options.PrepareStatements);
    }

    [Fact]
    public async Task Options_bound_from_configuration_are_validated()
    {
        await using var provider = Provider(new() { ["ConnectionString"] = "Host=localhost", ["Schema"] = "Bad-Schema" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlWebhookStoreOptions>>().Value);
        Assert.Contains("Schema 'Bad-Schema' is not valid", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(pair => "Webhooks:PostgreSql:" + pair.Key, pair => pair.Value))
            .Build()
            .GetSection("Webhooks:PostgreSql");
        var services = new ServiceCollection();
        services.AddWebhooks().UsePostgreSqlStore(section);
        return services.BuildServiceProvider();
    }
}
