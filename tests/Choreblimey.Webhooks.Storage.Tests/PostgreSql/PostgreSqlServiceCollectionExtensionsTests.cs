using Choreblimey.Webhooks.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NSubstitute;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlServiceCollectionExtensionsTests(PostgreSqlServerFixture fixture)
{
    [Fact]
    public async Task Registers_the_store_as_the_only_IWebhookStore()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Substitute.For<IWebhookStore>());
        services.AddLogging();
        var schema = fixture.NewSchemaName();
        services.AddWebhooks().UsePostgreSqlStore(o =>
        {
            o.ConnectionString = fixture.DatabaseConnectionString;
            o.Schema = schema;
        });
        services.AddWebhooks().UsePostgreSqlStore(o => o.UseNotifications = false);

        Assert.Single(services, d => d.ServiceType == typeof(IWebhookStore));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var store = provider.GetRequiredService<IWebhookStore>();
        Assert.IsType<PostgreSqlWebhookStore>(store);
        Assert.Same(store, provider.GetRequiredService<PostgreSqlWebhookStore>());
        Assert.False(provider.GetRequiredService<IOptions<PostgreSqlWebhookStoreOptions>>().Value.UseNotifications);
        Assert.Equal(0L, await store.GetSubscriptionVersionAsync());
    }

    [Fact]
    public async Task A_host_owned_data_source_is_used_and_not_disposed()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.DatabaseConnectionString);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks().UsePostgreSqlStore(o =>
        {
            o.DataSource = dataSource;
            o.Schema = fixture.NewSchemaName();
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IWebhookStore>();
            var subscription = PostgreSqlTestData.Subscription("t");
            await store.CreateSubscriptionAsync(subscription);
            Assert.NotNull(await store.GetSubscriptionAsync("t", subscription.Id));
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData(" ", "empty")]
    public void A_missing_connection_string_says_where_it_usually_comes_from(string? connectionString, string what)
    {
        var webhooks = new ServiceCollection().AddWebhooks();

        // Before: "Value cannot be null. (Parameter 'connectionString')", from GetConnectionString("webhooks")! on a missing entry.
        var exception = Assert.ThrowsAny<ArgumentException>(() => webhooks.UsePostgreSqlStore(connectionString!));
        Assert.Equal(connectionString is null, exception is ArgumentNullException);

        Assert.Equal("connectionString", exception.ParamName);
        Assert.StartsWith($"The PostgreSQL connection string for the webhook store is {what}: when it comes from configuration (GetConnectionString(\"name\")), check that the entry ConnectionStrings:name exists in this environment.", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, "webhooks", "needs a ConnectionString or a DataSource")]
    [InlineData("Host=localhost", true, "webhooks", "not both")]
    [InlineData("Host=localhost", false, "Bad-Schema", "Schema 'Bad-Schema' is not valid")]
    [InlineData("Host=localhost", false, "webhooks\"; DROP TABLE x; --", "is not valid")]
    [InlineData("Host=localhost", false, "pg_catalog", "is not valid")]
    [InlineData("Host=localhost", false, "", "is not valid")]
    [InlineData("postgres://user:secret@localhost/hooks", false, "webhooks", "is a postgres:// URL; Npgsql reads key=value connection strings")]
    [InlineData("Host=localhost;Port=abc", false, "webhooks", "is not a valid Npgsql connection string")]
    [InlineData("Host=localhost;Colour=blue", false, "webhooks", "is not a valid Npgsql connection string")]
    public async Task Invalid_options_fail_validation(string? connectionString, bool withDataSource, string schema, string expected)
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        var services = new ServiceCollection();
        services.AddWebhooks().UsePostgreSqlStore(o =>
        {
            o.ConnectionString = connectionString;
            o.DataSource = withDataSource ? dataSource : null;
            o.Schema = schema;
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IWebhookStore>());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            ConnectionString = connectionString,
            DataSource = withDataSource ? dataSource : null,
            Schema = schema,
        }));
    }
}
