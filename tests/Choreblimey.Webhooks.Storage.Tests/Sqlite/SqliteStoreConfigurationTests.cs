using Choreblimey.Webhooks.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>
/// The SQLite store's options bound from configuration: a bare number as a duration (which <see cref="TimeSpan"/> reads as
/// days) fails the start, as it does for the core options.
/// </summary>
public sealed class SqliteStoreConfigurationTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("30", "'00:00:30' for 30 seconds")]
    [InlineData(" 5 ", "'00:00:05' for 5 seconds")]
    public async Task A_bare_number_as_the_busy_timeout_fails_the_start_naming_the_key_the_value_and_what_to_write(string value, string advice)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks().UseSqliteStore(Section(new() { ["BusyTimeout"] = value }));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"The configuration value Webhooks:Sqlite:BusyTimeout is '{value.Trim()}', a bare number", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_options_bind_from_configuration_with_durations_written_as_durations()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWebhooks().UseSqliteStore(Section(new()
        {
            ["BusyTimeout"] = "00:00:30",
            ["Synchronous"] = "Normal",
            ["FlushWorkerWrites"] = "false",
            ["MaxGroupCommitSize"] = "64",
        }));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SqliteWebhookStoreOptions>>().Value;

        Assert.Equal($"Data Source={_directory.File()}", options.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BusyTimeout);
        Assert.Equal(SqliteSynchronousMode.Normal, options.Synchronous);
        Assert.False(options.FlushWorkerWrites);
        Assert.Equal(64, options.MaxGroupCommitSize);
    }

    private IConfigurationSection Section(Dictionary<string, string?> values)
    {
        var settings = values.ToDictionary(pair => "Webhooks:Sqlite:" + pair.Key, pair => pair.Value);
        settings["Webhooks:Sqlite:ConnectionString"] = _directory.File();
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Webhooks:Sqlite");
    }
}
