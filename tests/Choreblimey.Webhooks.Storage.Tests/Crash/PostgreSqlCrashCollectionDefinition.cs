using Choreblimey.Webhooks.Storage.Tests.PostgreSql;

namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>
/// The PostgreSQL crash test gets its own throwaway server, so its minute of waiting for a lease to lapse runs alongside
/// the other PostgreSQL tests instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgreSqlCrashCollectionDefinition : ICollectionFixture<PostgreSqlServerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "postgresql-crash";
}
