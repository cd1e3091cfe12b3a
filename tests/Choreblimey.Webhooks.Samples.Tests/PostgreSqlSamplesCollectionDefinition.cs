namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>The samples' PostgreSQL runs share one throwaway server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlSamplesCollectionDefinition : ICollectionFixture<PostgreSqlSamplesFixture>
{
    public const string Name = "samples-postgresql";
}
