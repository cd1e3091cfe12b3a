using Choreblimey.Webhooks.Storage.Tests.Conformance;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// Runs the store conformance suite as an application role that holds only the grants the PostgreSQL README lists, on a
/// schema installed from <c>PostgreSqlWebhookSchemaScript</c>, with the store's own installer off: the script and the
/// grants are all the store needs.
/// </summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlAppRoleConformanceTests(PostgreSqlServerFixture fixture) : WebhookStoreConformanceTests
{
    protected override async Task<IWebhookStore> CreateStoreAsync() => await fixture.CreateStoreAsAppRoleAsync();
}
