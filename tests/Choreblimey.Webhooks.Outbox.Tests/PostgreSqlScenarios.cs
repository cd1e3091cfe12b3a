using System.Globalization;
using Choreblimey.Webhooks.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// PostgreSQL plumbing shared by the ADO.NET and EF Core scenarios: the store gets its own unpooled data source whose
/// every open is counted, so a test can tell that the webhook write used the host's connection.
/// </summary>
public abstract class PostgreSqlScenarios(PostgreSqlOutboxFixture fixture) : OutboxScenarios
{
    private readonly List<NpgsqlDataSource> _dataSources = [];

    protected override string HarnessStore => "postgres";

    protected override Task<string> NewDatabaseAsync() => fixture.Server.CreateDatabaseAsync();

    protected override void Configure(IWebhooksBuilder webhooks, IServiceCollection services, string database)
    {
        var counter = new StoreOpenCounter();
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        builder.UsePhysicalConnectionInitializer(_ => counter.Increment(), _ =>
        {
            counter.Increment();
            return Task.CompletedTask;
        });
        var dataSource = builder.Build();
        _dataSources.Add(dataSource);
        services.AddSingleton(counter);
        webhooks.UsePostgreSqlStore(dataSource);
    }

    protected override async Task CreateBusinessTableAsync(IServiceProvider services, string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(InvoiceContext.CreateTableSql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<long> CountAsync(string database, string table)
    {
        var qualified = table == "messages" ? "webhooks.messages" : table;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {qualified}", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected override long StoreActivity(IServiceProvider services) => services.GetRequiredService<StoreOpenCounter>().Opens;

    protected override Task OnWorkerStartedAsync(IServiceProvider services) =>
        services.GetRequiredService<PostgreSqlWebhookStore>().StartListeningAsync(CancellationToken.None);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    /// <summary>Counts the store's physical connection opens.</summary>
    public sealed class StoreOpenCounter
    {
        private long _opens;

        public long Opens => Interlocked.Read(ref _opens);

        public void Increment() => Interlocked.Increment(ref _opens);
    }
}
