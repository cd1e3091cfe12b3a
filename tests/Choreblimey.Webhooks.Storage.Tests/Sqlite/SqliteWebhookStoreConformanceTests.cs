using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Storage.Tests.Conformance;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>Runs the store conformance suite against a fresh SQLite file per test.</summary>
public sealed class SqliteWebhookStoreConformanceTests : WebhookStoreConformanceTests, IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();
    private int _files;

    protected override Task<IWebhookStore> CreateStoreAsync() =>
        Task.FromResult<IWebhookStore>(new SqliteWebhookStore(new SqliteWebhookStoreOptions
        {
            ConnectionString = _directory.File($"store-{++_files}.db"),
        }));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    public void Dispose() => _directory.Dispose();
}
