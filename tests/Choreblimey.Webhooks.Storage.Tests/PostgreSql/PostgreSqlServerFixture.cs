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
    private NpgsqlDataSource? _appRoleDataSource;
    private int _schemaCounter;

    /// <summary>The role <see cref="CreateStoreAsAppRoleAsync"/> connects as: it may log in and nothing else until granted.</summary>
    internal const string AppRole = "webhooks_app";

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

        // The application role of CreateStoreAsAppRoleAsync: it may log in, and gets only what each schema's grants give it.
        await using (var role = _dataSource.CreateCommand($"CREATE ROLE {AppRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        {
            await role.ExecuteNonQueryAsync();
        }

        _appRoleDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_databaseConnectionString) { Username = AppRole }.ConnectionString);
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

    /// <summary>
    /// Creates a store as the application's own user would run it where a database administrator installs the schema: the
    /// schema written by <see cref="PostgreSqlWebhookSchemaScript"/> and run as the server's superuser, then exactly the
    /// grants the package README lists given to <see cref="AppRole"/>, and the store connecting as that role with
    /// <see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/> off.
    /// </summary>
    /// <returns>The store; the fixture disposes it.</returns>
    internal async Task<PostgreSqlWebhookStore> CreateStoreAsAppRoleAsync()
    {
        var schema = NewSchemaName();
        await using (var admin = await _dataSource!.OpenConnectionAsync())
        {
            await using var install = new NpgsqlCommand(PostgreSqlWebhookSchemaScript.Create(schema), admin);
            await install.ExecuteNonQueryAsync();
            await using var grant = new NpgsqlCommand(
                $"""
                GRANT USAGE ON SCHEMA {schema} TO {AppRole};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {AppRole};
                """,
                admin);
            await grant.ExecuteNonQueryAsync();
        }

        var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            DataSource = _appRoleDataSource,
            Schema = schema,
            InstallSchema = false,
        });
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// Creates a store connecting as <see cref="AppRole"/> (no right to create schemas) on <paramref name="schema"/>, which
    /// nothing has installed: what the store says when it cannot install, or does not find, its schema.
    /// </summary>
    /// <param name="schema">The schema.</param>
    /// <param name="installSchema">The store's <see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/>.</param>
    /// <returns>The store; the fixture disposes it.</returns>
    internal PostgreSqlWebhookStore CreateAppRoleStore(string schema, bool installSchema)
    {
        var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions
        {
            DataSource = _appRoleDataSource ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised."),
            Schema = schema,
            InstallSchema = installSchema,
        });
        _stores.Add(store);
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

        if (_appRoleDataSource is not null)
        {
            await _appRoleDataSource.DisposeAsync();
        }


        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
