using System.Globalization;
using Choreblimey.Webhooks.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>SQLite plumbing shared by the ADO.NET and EF Core scenarios: a fresh file per test in a temporary directory.</summary>
public abstract class SqliteScenarios : OutboxScenarios
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "choreblimey-outbox-" + Guid.NewGuid().ToString("N")[..12]);

    protected override string HarnessStore => "sqlite";

    protected override Task<string> NewDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.FromResult(Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8] + ".db"));
    }

    protected override void Configure(IWebhooksBuilder webhooks, IServiceCollection services, string database) =>
        webhooks.UseSqliteStore(database);

    protected static string ConnectionString(string database) => new SqliteConnectionStringBuilder { DataSource = database }.ConnectionString;

    protected override async Task CreateBusinessTableAsync(IServiceProvider services, string database)
    {
        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = InvoiceContext.CreateTableSql;
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<long> CountAsync(string database, string table)
    {
        await using var connection = new SqliteConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The store's writer batches: the webhook must not go through the store's own connection.</summary>
    protected override long StoreActivity(IServiceProvider services) => services.GetRequiredService<SqliteWebhookStore>().CommittedBatches;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
