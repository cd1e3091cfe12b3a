using System.Globalization;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;

namespace Choreblimey.Webhooks.Benchmarks.Load;

/// <summary>The load command's options (see docs/BENCHMARKS.md).</summary>
internal sealed class LoadOptions
{
    public int Events { get; private set; } = 50_000;

    public IReadOnlyList<StoreKind> Stores { get; private set; } = [StoreKind.Memory, StoreKind.Sqlite, StoreKind.PostgreSql];

    /// <summary>MaxConcurrentDeliveries = MaxConcurrentDeliveriesPerEndpoint = the baseline's concurrency.</summary>
    public int Concurrency { get; private set; } = 32;

    public int ClaimBatchSize { get; private set; } = 64;

    /// <summary>Concurrent publishers in the throughput phase.</summary>
    public int Publishers { get; private set; } = 64;

    public int PacedRate { get; private set; } = 1_000;

    public int PacedSeconds { get; private set; } = 5;

    public int Backlog { get; private set; } = 1_000_000;

    public int BacklogSeconds { get; private set; } = 20;

    public bool Issue5 { get; private set; } = true;

    /// <summary>Runs only the issue-5 phases (SQLite publishes/s and claim + complete, then the backlogs), without the end-to-end table.</summary>
    public bool Issue5Only { get; private set; }

    /// <summary>Loads pg_stat_statements into the throwaway server and prints the PostgreSQL store's statements by server time.</summary>
    public bool PostgreSqlStatements { get; private set; }

    /// <summary>Turns the per-endpoint circuit breaker off, only to measure what it costs (it is on by default).</summary>
    public bool NoCircuitBreaker { get; private set; }

    /// <summary>Lets the SQLite worker's bookkeeping commit unflushed (<c>FlushWorkerWrites = false</c>), to compare with the default.</summary>
    public bool SqliteDeferWorkerFlushes { get; private set; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--events": options.Events = NextInt(); break;
                case "--store": options.Stores = ParseStores(Next()); break;
                case "--concurrency": options.Concurrency = NextInt(); break;
                case "--claim-batch": options.ClaimBatchSize = NextInt(); break;
                case "--publishers": options.Publishers = NextInt(); break;
                case "--paced-rate": options.PacedRate = NextInt(); break;
                case "--paced-seconds": options.PacedSeconds = NextInt(); break;
                case "--backlog": options.Backlog = NextInt(); break;
                case "--backlog-seconds": options.BacklogSeconds = NextInt(); break;
                case "--no-issue5": options.Issue5 = false; break;
                case "--issue5-only": options.Issue5Only = true; break;
                case "--no-circuit-breaker": options.NoCircuitBreaker = true; break;
                case "--sqlite-defer-worker-flushes": options.SqliteDeferWorkerFlushes = true; break;
                case "--postgres-statements": options.PostgreSqlStatements = true; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return options;
    }

    private static StoreKind[] ParseStores(string value) => value.ToUpperInvariant() switch
    {
        "ALL" => [StoreKind.Memory, StoreKind.Sqlite, StoreKind.PostgreSql],
        _ => [.. value.Split(',').Select(static s => s.Trim().ToUpperInvariant() switch
        {
            "MEMORY" => StoreKind.Memory,
            "SQLITE" => StoreKind.Sqlite,
            "POSTGRES" or "POSTGRESQL" => StoreKind.PostgreSql,
            _ => throw new ArgumentException($"Unknown store '{s}' (memory, sqlite, postgres, all)."),
        })],
    };
}
