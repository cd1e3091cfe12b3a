using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>One throwaway PostgreSQL server for the samples' PostgreSQL runs; each run gets a database of its own.</summary>
public sealed class PostgreSqlSamplesFixture : IAsyncLifetime
{
    private PostgreSqlTestServer? _server;

    /// <summary>Creates an empty database and returns a connection string to it, as a user would pass with --connection.</summary>
    public Task<string> CreateDatabaseAsync() =>
        (_server ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.")).CreateDatabaseAsync();

    public async Task InitializeAsync() => _server = await PostgreSqlTestServer.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
