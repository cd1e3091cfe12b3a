using System.Collections.Concurrent;
using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Testing.Support;
using Npgsql;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// Starts one throwaway PostgreSQL server per test collection and hands out stores on fresh schemas. When the server
/// binaries are missing, every test of the collection fails with a message that says what to install; the tests are never
/// skipped silently (on CI or anywhere else).
/// </summary>
public sealed class PostgreSqlServerFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<PostgreSqlWebhookStore> _stores = [];
    private PostgreSqlTestServer? _server;
    private string? _databaseConnectionString;
    private NpgsqlDataSource? _dataSource;
    private int _schemaCounter;

    /// <summary>Gets the running server.</summary>
    public PostgreSqlTestServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    /// <summary>Gets a connection string to the shared test database that <see cref="CreateStoreAsync"/> makes schemas in.</summary>
    public string DatabaseConnectionString => _databaseConnectionString ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            _server = await PostgreSqlTestServer.StartAsync(CancellationToken.None);
        }
        catch (InvalidOperationException ex)
        {
            var where = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                ? "CI must provide the PostgreSQL server binaries. "
                : string.Empty;
            throw new InvalidOperationException(where + "Could not start the throwaway PostgreSQL server: " + ex.Message, ex);
        }

        _databaseConnectionString = await _server.CreateDatabaseAsync("webhooks_tests");

        // Stores on the shared database share one pool, so a suite that makes a store per test cannot exhaust the server's connections.
        _dataSource = NpgsqlDataSource.Create(_databaseConnectionString);
    }

    /// <summary>Creates a store on a fresh schema of the shared test database, with its schema installed.</summary>
    /// <returns>The store; the fixture disposes it.</returns>
    public async Task<IWebhookStore> CreateStoreAsync() => await CreatePostgreSqlStoreAsync();

    /// <summary>Makes up a schema name no other test uses.</summary>
    /// <returns>The name.</returns>
    public string NewSchemaName() => $"t{Interlocked.Increment(ref _schemaCounter)}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Creates a store, installing its schema first unless told otherwise.</summary>
    /// <param name="schema">The schema; a fresh one when <see langword="null"/>.</param>
    /// <param name="connectionString">The database (the store gets its own pool); the shared test database and pool when <see langword="null"/>.</param>
    /// <param name="install">Whether to install the schema before returning.</param>
    /// <returns>The store; the fixture disposes it.</returns>
    internal async Task<PostgreSqlWebhookStore> CreatePostgreSqlStoreAsync(string? schema = null, string? connectionString = null, bool install = true)
    {
        var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            ConnectionString = connectionString,
            DataSource = connectionString is null ? _dataSource ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.") : null,
            Schema = schema ?? NewSchemaName(),
        });
        _stores.Add(store);
        if (install)
        {
            await store.EnsureSchemaAsync(CancellationToken.None);
        }

        return store;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
