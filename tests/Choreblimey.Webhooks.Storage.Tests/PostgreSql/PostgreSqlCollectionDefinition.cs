namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>Every test class in this collection shares one throwaway PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlCollectionDefinition : ICollectionFixture<PostgreSqlServerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "postgresql";
}
