namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>The stores the benchmarks compare.</summary>
public enum StoreKind
{
    Memory,
    Sqlite,
    PostgreSql,
}
