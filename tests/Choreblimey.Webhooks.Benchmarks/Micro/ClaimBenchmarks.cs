using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>
/// One claim of 64 with 1,000 or 1,000,000 pending deliveries (seeded in bulk, 1 µs of due time apart).
/// <see cref="Due"/> <c>All</c>: every pending delivery is due; the clock is virtual and every claim happens 1 ms after the
/// previous one with a 1 ms lease, so claimed deliveries fall due again behind the rest and the backlog stays the same size
/// however many claims run. <c>First32</c>: only the first 32 are due (the rest wait, as retries scheduled for later do),
/// fewer than a claim asks for, as when a worker has caught up with new events while a backlog of retries waits; the clock
/// moves one tick per claim with a one-tick lease, so claimed deliveries are due again at the next claim (and one more
/// falls due every ten claims). The issue-8 target: claim cost grows at most 2x from 1,000 to 1,000,000.
/// </summary>
[MemoryDiagnoser]
public class ClaimBenchmarks
{
    private const int BatchSize = 64;
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(1);

    private IWebhookStore _store = null!;
    private PostgreSqlTestServer? _postgres;
    private string? _sqlitePath;
    private DateTimeOffset _now;
    private TimeSpan _lease;

    /// <summary>How much of the backlog is due.</summary>
    public enum DueBacklog
    {
        /// <summary>Every pending delivery is due.</summary>
        All,

        /// <summary>The first 32 are due, the rest later.</summary>
        First32,
    }

    [Params(StoreKind.Sqlite, StoreKind.PostgreSql)]
    public StoreKind Store { get; set; }

    [Params(1_000, 1_000_000)]
    public int Pending { get; set; }

    [Params(DueBacklog.All, DueBacklog.First32)]
    public DueBacklog Due { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var firstDue = DateTimeOffset.UtcNow.AddDays(-1);
        TimeSpan seeding;
        if (Store == StoreKind.Sqlite)
        {
            _sqlitePath = BenchHost.NewSqlitePath();
            var store = await DirectStores.OpenSqliteAsync(_sqlitePath);
            seeding = await BacklogSeeder.SeedSqliteAsync(_sqlitePath, Pending, "sub_1", firstDue);
            _store = store;
        }
        else
        {
            _postgres = await PostgreSqlTestServer.StartAsync();
            var connection = await _postgres.CreateDatabaseAsync();
            var store = await DirectStores.OpenPostgreSqlAsync(connection);
            seeding = await BacklogSeeder.SeedPostgreSqlAsync(connection, store.Schema, Pending, "sub_1", firstDue);
            _store = store;
        }

        Console.WriteLine($"// Seeded {Pending:N0} pending deliveries in {Store} in {seeding.TotalSeconds:0.0} s");
        // Seeded due times are 10 ticks apart: 32 of them fit in 320 ticks.
        _now = Due == DueBacklog.All ? firstDue.AddHours(1) : firstDue.AddTicks((10 * 32) - 1);
        _lease = Due == DueBacklog.All ? Lease : TimeSpan.FromTicks(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_store as IAsyncDisposable)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_postgres is not null)
        {
            _postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (_sqlitePath is not null)
        {
            BenchHost.DeleteSqlite(_sqlitePath);
        }
    }

    [Benchmark]
    public async Task<int> Claim64()
    {
        _now += _lease;
        var leases = await _store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("bench-worker", BatchSize, _now, _lease));
        if (Due == DueBacklog.All ? leases.Count != BatchSize : leases.Count < 32)
        {
            throw new InvalidOperationException($"Claimed {leases.Count} with {Due} due.");
        }

        return leases.Count;
    }
}
