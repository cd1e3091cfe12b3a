using Choreblimey.Webhooks.Storage.Tests.Conformance;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>Runs the store conformance suite against the PostgreSQL store, on a fresh schema of the throwaway server per test.</summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlWebhookStoreConformanceTests(PostgreSqlServerFixture fixture) : WebhookStoreConformanceTests
{
    protected override Task<IWebhookStore> CreateStoreAsync() => fixture.CreateStoreAsync();
}
