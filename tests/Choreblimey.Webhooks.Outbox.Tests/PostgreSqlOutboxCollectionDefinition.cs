namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>The PostgreSQL outbox test classes share one server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlOutboxCollectionDefinition : ICollectionFixture<PostgreSqlOutboxFixture>
{
    public const string Name = "outbox-postgresql";
}
