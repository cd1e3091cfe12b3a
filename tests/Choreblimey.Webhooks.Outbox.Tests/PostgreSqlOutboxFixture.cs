using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>One throwaway PostgreSQL server for the outbox tests; every test gets a database of its own.</summary>
public sealed class PostgreSqlOutboxFixture : IAsyncLifetime
{
    private PostgreSqlTestServer? _server;

    public PostgreSqlTestServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    public async Task InitializeAsync() => _server = await PostgreSqlTestServer.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
