using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Load;

/// <summary>
/// The end-to-end load command: a raw HttpClient baseline (the machine's ceiling), then each store publishing N events
/// to the same no-op receiver at the same concurrency, then the issue-5 figures. Prints Markdown tables.
/// </summary>
internal sealed class LoadCommand(LoadOptions options)
{
    private const int Warmup = 5_000;
    private const int WarmUpEvents = 20_000;
    private const int WarmUpQuietMethods = 25;
    private const int WarmUpMaxPasses = 12;
    private static readonly TimeSpan WarmUpMaxTime = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);
    private readonly StringBuilder _report = new();
    private NoOpReceiver _receiver = null!;
    private WorkingSetSampler _sampler = null!;
    private PostgreSqlTestServer? _postgres;

    public async Task<int> RunAsync()
    {
        Line($"# Load run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average at start: {LoadAverage()}");
        Line($"Settings: events={options.Events:N0}, concurrency={options.Concurrency} (MaxConcurrentDeliveries = MaxConcurrentDeliveriesPerEndpoint = baseline connections), " +
             $"ClaimBatchSize={options.ClaimBatchSize}, publishers={options.Publishers}, paced={options.PacedRate}/s for {options.PacedSeconds} s, circuit breaker {(options.NoCircuitBreaker ? "OFF (to measure its cost)" : "on (default)")}, SQLite worker commits {(options.SqliteDeferWorkerFlushes ? "unflushed when bookkeeping alone (FlushWorkerWrites = false)" : "flushed (default)")}");
        Line();

        await using var receiver = _receiver = await NoOpReceiver.StartAsync();
        await using var sampler = _sampler = new WorkingSetSampler();
        if (options.Stores.Contains(StoreKind.PostgreSql))
        {
            _postgres = await PostgreSqlTestServer.StartAsync(options.PostgreSqlStatements ? PostgreSqlStatementStats.ServerSettings : []);
        }

        try
        {
            if (!options.Issue5Only)
            {
                await RunEndToEndAsync();
            }

            if ((options.Issue5 || options.Issue5Only) && options.Stores.Contains(StoreKind.Sqlite))
            {
                await RunSqlitePublishAndClaimAsync();
            }

            if ((options.Issue5 || options.Issue5Only) && options.Backlog > 0)
            {
                foreach (var store in options.Stores.Where(static s => s != StoreKind.Memory))
                {
                    await RunBacklogAsync(store);
                }
            }

            Line($"Load average at end: {LoadAverage()}");
        }
        finally
        {
            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary>The baseline, then drain, end to end and paced phases per store, with the ratios to the baseline.</summary>
    private async Task RunEndToEndAsync()
    {
        await WarmUpAsync(StoreKind.Memory, withBaseline: true);
        var baselineBefore = await RunBaselineAsync(options.Events, timed: true);
        var results = new List<StoreResult>();
        foreach (var store in options.Stores)
        {
            results.Add(await RunStoreAsync(store));
        }

        var baselineAfter = await RunBaselineAsync(options.Events, timed: true);
        var baseline = Math.Max(baselineBefore.PerSecond, baselineAfter.PerSecond);

        Line("## End to end (one subscription, no-op receiver answering 204)");
        Line();
        Line($"Baseline (raw HttpClient, same signed bodies, {options.Concurrency} connections): {baselineBefore.PerSecond:N0}/s before the stores, {baselineAfter.PerSecond:N0}/s after; ratios use the higher, {baseline:N0}/s. Peak working set {Mb(Math.Max(baselineBefore.PeakWorkingSet, baselineAfter.PeakWorkingSet))}. Process CPU per request (sender and receiver together): {baselineBefore.CpuPerMessage:0} / {baselineAfter.CpuPerMessage:0} µs.");
        Line();
        Line("Drain: N events published first (worker not running), then the worker started; deliveries/s over those N after a 5,000-event warm-up.");
        Line("End to end: N events published by the concurrent publishers while the worker delivers; deliveries/s from the first publish to the last receipt.");
        Line();
        Line("| Store | Drain deliveries/s | Drain ratio | End-to-end deliveries/s | End-to-end ratio | Process CPU per delivery (drain / end to end) | Peak working set |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Line($"| {r.Store} | {r.DrainPerSecond:N0} | {r.DrainPerSecond / baseline:0.00}x | {r.DeliveriesPerSecond:N0} | {r.DeliveriesPerSecond / baseline:0.00}x | {r.DrainCpuPerDelivery:0} / {r.CpuPerDelivery:0} µs | {Mb(r.PeakWorkingSet)} |");
        }

        Line();
        Line($"| Store | Publishes/s, no worker ({options.Publishers} publishers) | p50 / p99 | Publishes/s, worker running | p50 / p99 | Paced {options.PacedRate}/s: publish p50 / p99 | Paced: publish-to-receipt p50 / p99 |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Line($"| {r.Store} | {r.IdlePublishesPerSecond:N0} | {Us(r.IdlePublishP50)} / {Us(r.IdlePublishP99)} | {r.PublishesPerSecond:N0} | {Us(r.PublishP50)} / {Us(r.PublishP99)} | {Us(r.PacedPublishP50)} / {Us(r.PacedPublishP99)} | {Us(r.ReceiptP50)} / {Us(r.ReceiptP99)} |");
        }

        Line();
        if (_statements is not null)
        {
            Line("### PostgreSQL server time per statement (pg_stat_statements: drain and end to end, publishing included)");
            Line();
            Line(_statements);
        }
    }

    private async Task<(double PerSecond, long PeakWorkingSet, double CpuPerMessage)> RunBaselineAsync(int total, bool timed)
    {
        if (timed)
        {
            Progress("baseline: raw HttpClient");
        }

        var signer = new StandardWebhookSigner();
        var secret = WebhookSecret.Generate();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var requests = new (byte[] Body, string Id, string Timestamp, string Signature)[total];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < total; i++)
        {
            var message = new WebhookMessage
            {
                Id = "msg_baseline_" + i.ToString(CultureInfo.InvariantCulture),
                TenantId = BenchData.Tenant,
                EventType = BenchData.EventType,
                Timestamp = now,
                Data = JsonSerializer.SerializeToUtf8Bytes(BenchData.Payload(i), json),
            };
            var body = WebhookEnvelopeWriter.ToArray(message);
            requests[i] = (body, message.Id, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), signer.Sign(secret, message.Id, now, body));
        }

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var contentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var url = _receiver.Url;

        async Task SendRange(int[] next, int limit)
        {
            int i;
            while ((i = Interlocked.Increment(ref next[0]) - 1) < limit)
            {
                var (body, id, timestamp, signature) = requests[i];
                using var message = new HttpRequestMessage(HttpMethod.Post, url);
                var content = new ReadOnlyMemoryContent(body);
                content.Headers.ContentType = contentType;
                message.Content = content;
                message.Headers.TryAddWithoutValidation(WebhookHeaders.Id, id);
                message.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp);
                message.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, signature);
                message.Headers.TryAddWithoutValidation("User-Agent", "Choreblimey.Webhooks.Benchmarks");
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                if ((int)response.StatusCode != 204)
                {
                    throw new InvalidOperationException($"Receiver answered {(int)response.StatusCode}.");
                }
            }
        }

        // Warm-up: connections and JIT.
        var warm = Math.Min(Warmup, total);
        var warmDone = _receiver.ExpectAsync(warm);
        var warmNext = new int[1];
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => SendRange(warmNext, warm))));
        await warmDone;

        Settle();
        var done = _receiver.ExpectAsync(total);
        var next = new int[1];
        var usageBefore = ProcessUsage.Now();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => SendRange(next, total))));
        await done;
        var elapsed = Stopwatch.GetElapsedTime(started);
        var usage = ProcessUsage.Now() - usageBefore;
        if (timed)
        {
            Progress($"baseline: per request {usage.Per(total)}");
        }

        return (total / elapsed.TotalSeconds, _sampler.PeakBytes, usage.Total.TotalMicroseconds / total);
    }

    /// <summary>
    /// Untimed passes through a store until one compiles next to nothing: first through the in-memory store, each pass
    /// with a baseline pass before it, so that the shared code (the baseline's loop, publishing, the worker, the typed
    /// client, Kestrel) is jitted and tiered up before anything is timed; then through each durable store just before it
    /// is measured, so that its own code and its driver are too. Each store's warm-up comes right before its measurement,
    /// so no store is measured in the state (thread pool size, heap) that another store's warm-up left.
    /// </summary>
    /// <remarks>
    /// A pass goes through what the measured phases go through, not only the steady state: a new host (started, then
    /// stopped), events published before the worker starts and then while it runs, the typed client's connections opened
    /// and closed, and Kestrel's connections with them. Warming up inside one long-lived host left those paths to the
    /// measured phases: the drain that followed compiled about 900 methods (half a second of the JIT on two cores) and the
    /// baseline about 600.
    /// </remarks>
    private async Task WarmUpAsync(StoreKind kind, bool withBaseline)
    {
        Progress($"warm-up: passes of {WarmUpEvents:N0} events through the {kind} store{(withBaseline ? ", each after a baseline pass" : "")}, untimed");
        var started = Stopwatch.GetTimestamp();
        var quietPasses = 0;
        for (var pass = 1; ; pass++)
        {
            // Tiered compilation promotes hot methods in the background, in steps (instrumented, then optimised), and on two
            // busy cores it lags well behind the calls: one pass leaves much of the hot path in instrumented code. Passes
            // repeat until two in a row compile next to nothing while events flow (one alone can fall between promotions), so that the measured phases run the code a
            // long-running host runs. Each pass's host start and stop compile a hundred or more methods of their own (the
            // container's and the serializer's generated code is new for every host, and start-up code is called once a
            // pass, so it takes dozens of passes to be promoted), which is why only the end-to-end half is counted.
            var compiledBefore = JitInfo.GetCompiledMethodCount();
            if (withBaseline)
            {
                await RunBaselineAsync(WarmUpEvents, timed: false);
            }

            var steady = await WarmUpPassAsync(kind);
            var compiled = JitInfo.GetCompiledMethodCount() - compiledBefore;
            Progress($"warm-up pass {pass}: {compiled:N0} methods compiled, {steady:N0} of them while publishing to a running worker");
            quietPasses = steady <= WarmUpQuietMethods ? quietPasses + 1 : 0;
            if (quietPasses == 2 || pass == WarmUpMaxPasses || Stopwatch.GetElapsedTime(started) > WarmUpMaxTime)
            {
                break;
            }
        }
    }

    /// <summary>
    /// One warm-up pass: a new host and database, half the events drained after the start, half end to end. Returns the
    /// methods compiled during the end-to-end half.
    /// </summary>
    private async Task<int> WarmUpPassAsync(StoreKind kind)
    {
        var (connection, cleanup) = await NewDatabaseAsync(kind);
        try
        {
            using var host = BenchHost.Build(kind, connection, Configure, sqliteFlushWorkerWrites: !options.SqliteDeferWorkerFlushes);
            await host.Services.GetRequiredService<IWebhookSubscriptionManager>()
                .CreateAsync(BenchData.Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url.ToString(), EventTypes = ["bench:*"] });
            var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
            var half = WarmUpEvents / 2;
            var drained = _receiver.ExpectAsync(half);
            await PublishManyAsync(publisher, half, options.Publishers);
            await host.StartAsync();
            try
            {
                await WaitAsync(drained, "warm-up drain");
                var compiledBefore = JitInfo.GetCompiledMethodCount();
                var done = _receiver.ExpectAsync(half);
                await PublishManyAsync(publisher, half, options.Publishers);
                await WaitAsync(done, "warm-up");
                return (int)(JitInfo.GetCompiledMethodCount() - compiledBefore);
            }
            finally
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await host.StopAsync(stop.Token);
            }
        }
        finally
        {
            cleanup();
        }
    }

    private async Task<StoreResult> RunStoreAsync(StoreKind kind)
    {
        if (kind != StoreKind.Memory)
        {
            await WarmUpAsync(kind, withBaseline: false);
        }

        Progress($"{kind}: start");
        var (connection, cleanup) = await NewDatabaseAsync(kind);
        using var host = BenchHost.Build(kind, connection, Configure, sqliteFlushWorkerWrites: !options.SqliteDeferWorkerFlushes);
        _lastBatches = 0;
        _lastCombined = 0;
        _lastClaims = 0;
        _lastUnflushed = 0;
        var started = false;
        try
        {
            var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
            await host.Services.GetRequiredService<IWebhookSubscriptionManager>()
                .CreateAsync(BenchData.Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url.ToString(), EventTypes = ["bench:*"] });

            if (kind == StoreKind.PostgreSql && options.PostgreSqlStatements)
            {
                await PostgreSqlStatementStats.ResetAsync(connection!);
            }

            // Drain: with the worker not yet running, publish a warm-up batch and then N events; start the worker and time
            // the N deliveries that follow the warm-up ones (JIT, pools and connections are warm by then).
            Progress($"{kind}: drain of {options.Events:N0}");
            await PublishManyAsync(publisher, Warmup, options.Publishers);
            Settle();
            var drainPublishStarted = Stopwatch.GetTimestamp();
            var drainLatencies = await PublishManyAsync(publisher, options.Events, options.Publishers);
            var drainPublishElapsed = Stopwatch.GetElapsedTime(drainPublishStarted);
            var (warmDelivered, drained) = _receiver.ExpectAsync(Warmup, Warmup + options.Events);
            var usageBefore = ProcessUsage.Now();
            var serverBefore = PostgreSqlServerUsage.Now();
            await host.StartAsync();
            started = true;
            var drainStart = await warmDelivered;
            await WaitAsync(drained, $"{kind} drain");
            var drainElapsed = Stopwatch.GetElapsedTime(drainStart);
            var drainUsage = ProcessUsage.Now() - usageBefore;
            var drainCpu = drainUsage.Total.TotalMicroseconds / (Warmup + options.Events);
            Progress($"{kind}: drain, per delivery {drainUsage.Per(Warmup + options.Events)}{ServerCpu(kind, serverBefore, Warmup + options.Events)}{StoreBatches(host, Warmup + options.Events)}");

            // End to end: N events from concurrent publishers while the worker delivers, until the receiver has them all.
            Settle();
            Progress($"{kind}: end to end, {options.Events:N0} events");
            var done = _receiver.ExpectAsync(options.Events);
            usageBefore = ProcessUsage.Now();
            serverBefore = PostgreSqlServerUsage.Now();
            var startedAt = Stopwatch.GetTimestamp();
            var latencies = await PublishManyAsync(publisher, options.Events, options.Publishers);
            var publishElapsed = Stopwatch.GetElapsedTime(startedAt);
            await WaitAsync(done, $"{kind} end to end");
            var elapsed = Stopwatch.GetElapsedTime(startedAt);
            var usage = ProcessUsage.Now() - usageBefore;
            var cpu = usage.Total.TotalMicroseconds / options.Events;
            Progress($"{kind}: end to end, per delivery {usage.Per(options.Events)}{ServerCpu(kind, serverBefore, options.Events)}{StoreBatches(host, options.Events)}");
            var peak = _sampler.PeakBytes;
            if (kind == StoreKind.PostgreSql && options.PostgreSqlStatements)
            {
                // Publishing, drain and end to end: 2 N + the warm-up deliveries, each published and delivered once.
                _statements = await PostgreSqlStatementStats.ReportAsync(connection!, Warmup + (2 * options.Events));
            }

            // Paced: a fixed offered load with the worker delivering alongside; publish and publish-to-receipt latency.
            Progress($"{kind}: paced {options.PacedRate}/s");
            var paced = await RunPacedAsync(publisher);
            return new StoreResult(
                kind,
                options.Events / elapsed.TotalSeconds,
                options.Events / drainElapsed.TotalSeconds,
                options.Events / drainPublishElapsed.TotalSeconds,
                Stats.Percentile(drainLatencies, 50),
                Stats.Percentile(drainLatencies, 99),
                options.Events / publishElapsed.TotalSeconds,
                Stats.Percentile(latencies, 50),
                Stats.Percentile(latencies, 99),
                paced.PublishP50,
                paced.PublishP99,
                paced.ReceiptP50,
                paced.ReceiptP99,
                peak,
                cpu,
                drainCpu);
        }
        finally
        {
            if (started)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await host.StopAsync(stop.Token);
            }

            cleanup();
        }
    }

    private long _lastBatches;
    private string? _statements;
    private long _lastCombined;
    private long _lastClaims;
    private long _lastUnflushed;

    /// <summary>For PostgreSQL, the server's CPU per delivery since <paramref name="before"/>, for the progress log.</summary>
    private static string ServerCpu(StoreKind kind, PostgreSqlServerUsage before, int deliveries) =>
        kind == StoreKind.PostgreSql ? $", server {(PostgreSqlServerUsage.Now() - before).Total.TotalMicroseconds / deliveries:0} µs" : string.Empty;

    /// <summary>The store's commits (SQLite) or round trips (PostgreSQL) per delivery since the last call, for the progress log.</summary>
    private string StoreBatches(IHost host, int deliveries)
    {
        var store = host.Services.GetRequiredService<IWebhookStore>();
        var total = store switch
        {
            SqliteWebhookStore sqlite => sqlite.CommittedBatches,
            PostgreSqlWebhookStore postgres => postgres.PublishBatches + postgres.FencedWriteBatches,
            _ => -1,
        };
        if (total < 0)
        {
            return string.Empty;
        }

        var batches = total - _lastBatches;
        _lastBatches = total;
        var line = $", {batches / (double)deliveries:0.00} write batches (not counting claims)";
        if (store is PostgreSqlWebhookStore pg)
        {
            var combined = pg.CombinedPublishBatches + pg.CombinedFencedWriteBatches;
            line += $", {(combined - _lastCombined) / (double)Math.Max(batches, 1):P0} of them one combined statement, {(pg.Claims - _lastClaims) / (double)deliveries:0.000} claims";
            _lastCombined = combined;
            _lastClaims = pg.Claims;
        }
        else if (store is SqliteWebhookStore sqliteStore)
        {
            line += $", {(sqliteStore.UnflushedBatches - _lastUnflushed) / (double)Math.Max(batches, 1):P0} of them the worker's bookkeeping alone, committed unflushed";
            _lastUnflushed = sqliteStore.UnflushedBatches;
        }

        return line;
    }

    private void Configure(WebhookOptions o)
    {
        o.MaxConcurrentDeliveries = options.Concurrency;
        o.MaxConcurrentDeliveriesPerEndpoint = options.Concurrency;
        o.ClaimBatchSize = options.ClaimBatchSize;
        o.CircuitBreaker.Enabled = !options.NoCircuitBreaker;
    }

    private async Task<(string? Connection, Action Cleanup)> NewDatabaseAsync(StoreKind kind)
    {
        switch (kind)
        {
            case StoreKind.Sqlite:
                var path = BenchHost.NewSqlitePath();
                return (path, () => BenchHost.DeleteSqlite(path));
            case StoreKind.PostgreSql:
                // Dropped after its phase, so its autovacuum and checkpoints do not run into the phases after it.
                var database = await _postgres!.CreateDatabaseAsync();
                return (database, () => _postgres.DropDatabaseAsync(database).GetAwaiter().GetResult());
            default:
                return (null, static () => { });
        }
    }

    private static async Task<long[]> PublishManyAsync(IWebhookPublisher publisher, int count, int publishers)
    {
        var latencies = new long[count];
        var next = -1;
        var tasks = new Task[publishers];
        for (var p = 0; p < publishers; p++)
        {
            tasks[p] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var payload = BenchData.Payload(i);
                    var start = Stopwatch.GetTimestamp();
                    var receipt = await publisher.PublishAsync(BenchData.EventType, payload, BenchData.Tenant);
                    latencies[i] = Stopwatch.GetTimestamp() - start;
                    if (receipt.DeliveryCount != 1)
                    {
                        throw new InvalidOperationException($"Expected one delivery, got {receipt.DeliveryCount} ({receipt.Status}).");
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
        return latencies;
    }

    private async Task<(double PublishP50, double PublishP99, double ReceiptP50, double ReceiptP99)> RunPacedAsync(IWebhookPublisher publisher)
    {
        var count = options.PacedRate * options.PacedSeconds;
        var receipts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        _receiver.Receipts = receipts;
        var done = _receiver.ExpectAsync(count);
        var latencies = new long[count];
        var published = new (string Id, long At)[count];
        var interval = (double)Stopwatch.Frequency / options.PacedRate;
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var due = origin + (long)(i * interval);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
            }

            var start = Stopwatch.GetTimestamp();
            var receipt = await publisher.PublishAsync(BenchData.EventType, BenchData.Payload(i), BenchData.Tenant);
            latencies[i] = Stopwatch.GetTimestamp() - start;
            published[i] = (receipt.EventId!, start);
        }

        await WaitAsync(done, "paced phase");
        _receiver.Receipts = null;
        Progress($"paced: publish p90 {Us(Stats.Percentile(latencies, 90))}, p99 {Us(Stats.Percentile(latencies, 99))}, p99.9 {Us(Stats.Percentile(latencies, 99.9))}, max {Us(Stats.Percentile(latencies, 100))}");
        var toReceipt = published.Select(p => receipts.TryGetValue(p.Id, out var at) ? at - p.At : long.MaxValue).ToArray();
        return (Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), Stats.Percentile(toReceipt, 50), Stats.Percentile(toReceipt, 99));
    }

    /// <summary>
    /// Issue 5 on SQLite (FULL): publishes/s with concurrent publishers and group commit (no worker running), then claim +
    /// complete deliveries/s on the store alone (no HTTP) over the backlog those publishes left.
    /// </summary>
    private async Task RunSqlitePublishAndClaimAsync()
    {
        const int Publishers = 64;
        Progress("issue 5: SQLite publishes/s");
        var path = BenchHost.NewSqlitePath();
        try
        {
            using var host = BenchHost.Build(StoreKind.Sqlite, path, Configure, sqliteFlushWorkerWrites: !options.SqliteDeferWorkerFlushes); // not started: no worker
            var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
            var store = host.Services.GetRequiredService<SqliteWebhookStore>();
            await host.Services.GetRequiredService<IWebhookSubscriptionManager>()
                .CreateAsync(BenchData.Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url.ToString(), EventTypes = ["bench:*"] });
            await PublishManyAsync(publisher, 1_000, Publishers);

            Settle();
            var batchesBefore = store.CommittedBatches;
            var started = Stopwatch.GetTimestamp();
            var latencies = await PublishManyAsync(publisher, options.Events, Publishers);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var batches = store.CommittedBatches - batchesBefore;
            var publishesPerSecond = options.Events / elapsed.TotalSeconds;

            Progress("issue 5: SQLite claim + complete");
            const int Workers = 4;
            var claimedTotal = 0;
            var claimStarted = Stopwatch.GetTimestamp();
            var now = DateTimeOffset.UtcNow.AddHours(1);
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                while (true)
                {
                    var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("bench-" + w, options.ClaimBatchSize, now, TimeSpan.FromMinutes(5)));
                    if (leases.Count == 0)
                    {
                        return;
                    }

                    await Task.WhenAll(leases.Select(lease => store.RecordAttemptAsync(new WebhookAttemptRecord
                    {
                        DeliveryId = lease.Delivery.Id,
                        FencingToken = lease.FencingToken,
                        NewStatus = WebhookDeliveryStatus.Succeeded,
                        NextAttemptAt = now,
                        Attempt = new WebhookAttempt
                        {
                            DeliveryId = lease.Delivery.Id,
                            TenantId = lease.Delivery.TenantId,
                            AttemptNumber = 1,
                            StartedAt = now,
                            Duration = TimeSpan.FromMilliseconds(1),
                            Outcome = WebhookAttemptOutcome.Succeeded,
                            StatusCode = 204,
                        },
                    }).AsTask()));
                    Interlocked.Add(ref claimedTotal, leases.Count);
                }
            })));
            var claimElapsed = Stopwatch.GetElapsedTime(claimStarted);

            Line($"## Issue 5: SQLite (synchronous=FULL{(options.SqliteDeferWorkerFlushes ? ", FlushWorkerWrites = false" : string.Empty)}) on its own");
            Line();
            Line("| Figure | Result | Target |");
            Line("|---|---:|---:|");
            Line($"| Publishes/s, {Publishers} concurrent publishers, group commit ({options.Events:N0} publishes, {batches:N0} commits, {(double)options.Events / Math.Max(1, batches):0.0} per commit) | {publishesPerSecond:N0} | ≥ 20,000 |");
            Line($"| Publish p50 / p99 under that load | {Us(Stats.Percentile(latencies, 50))} / {Us(Stats.Percentile(latencies, 99))} | |");
            Line($"| Claim + complete deliveries/s ({Workers} claimers, batch {options.ClaimBatchSize}, completions concurrent; {claimedTotal:N0} deliveries, no HTTP) | {claimedTotal / claimElapsed.TotalSeconds:N0} | ≥ 10,000 |");
            Line();
        }
        finally
        {
            BenchHost.DeleteSqlite(path);
        }
    }

    /// <summary>
    /// Issue 5: memory stays flat with a 1,000,000-delivery backlog. Seeds the backlog in bulk, records the working set
    /// before the host starts, then lets the worker drain it for a while and records the peak.
    /// </summary>
    private async Task RunBacklogAsync(StoreKind kind)
    {
        Progress($"issue 5: {kind} backlog of {options.Backlog:N0}");
        var (connection, cleanup) = await NewDatabaseAsync(kind);
        try
        {
            var secret = WebhookSecret.Generate();
            var firstDue = DateTimeOffset.UtcNow.AddMinutes(-10);
            TimeSpan seeding;
            IAsyncDisposable direct;
            if (kind == StoreKind.Sqlite)
            {
                var store = await DirectStores.OpenSqliteAsync(connection!);
                await store.CreateSubscriptionAsync(BenchData.Subscription("sub_1", _receiver.Url, ["bench:*"], secret));
                seeding = await BacklogSeeder.SeedSqliteAsync(connection!, options.Backlog, "sub_1", firstDue);
                direct = store;
            }
            else
            {
                var store = await DirectStores.OpenPostgreSqlAsync(connection!);
                await store.CreateSubscriptionAsync(BenchData.Subscription("sub_1", _receiver.Url, ["bench:*"], secret));
                seeding = await BacklogSeeder.SeedPostgreSqlAsync(connection!, store.Schema, options.Backlog, "sub_1", firstDue);
                direct = store;
            }

            await direct.DisposeAsync();
            Settle();
            var before = WorkingSetSampler.CurrentBytes();
            using var host = BenchHost.Build(kind, connection, Configure, sqliteFlushWorkerWrites: !options.SqliteDeferWorkerFlushes);
            _ = _receiver.ExpectAsync(long.MaxValue);
            _sampler.Reset();
            var started = Stopwatch.GetTimestamp();
            await host.StartAsync();
            var samples = new List<string>();
            for (var s = 0; s < options.BacklogSeconds; s++)
            {
                await Task.Delay(1_000);
                if ((s + 1) % 5 == 0)
                {
                    samples.Add($"{s + 1} s: {Mb(WorkingSetSampler.CurrentBytes())}, {_receiver.Count:N0} delivered");
                }
            }

            var delivered = _receiver.Count;
            var elapsed = Stopwatch.GetElapsedTime(started);
            var peak = _sampler.PeakBytes;
            using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await host.StopAsync(stop.Token);
            }

            Line($"## Issue 5: {kind} with {options.Backlog:N0} pending deliveries");
            Line();
            Line($"Seeded in {seeding.TotalSeconds:0.0} s. Working set before the host started: {Mb(before)}; peak while the worker drained for {elapsed.TotalSeconds:0} s: {Mb(peak)} (+{Mb(peak - before)}); " +
                 $"{delivered:N0} delivered ({delivered / elapsed.TotalSeconds:N0}/s with the backlog behind them). Samples: {string.Join("; ", samples)}.");
            Line();
        }
        finally
        {
            cleanup();
        }
    }

    private static async Task WaitAsync(Task done, string what)
    {
        if (await Task.WhenAny(done, Task.Delay(DrainTimeout)) != done)
        {
            throw new TimeoutException($"{what}: the receiver did not get every delivery within {DrainTimeout}.");
        }
    }

    private void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _sampler.Reset();
    }


    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Us(double microseconds) =>
        double.IsNaN(microseconds) ? "n/a"
        : microseconds >= 10_000 ? string.Create(CultureInfo.InvariantCulture, $"{microseconds / 1000:N0} ms")
        : microseconds >= 1_000 ? string.Create(CultureInfo.InvariantCulture, $"{microseconds / 1000:0.0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{microseconds:0} µs");

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):N0} MB");

    private void Line(string text = "")
    {
        Console.WriteLine(text);
        _report.AppendLine(text);
    }

    private static void Progress(string text) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");

    private sealed record StoreResult(
        StoreKind Store,
        double DeliveriesPerSecond,
        double DrainPerSecond,
        double IdlePublishesPerSecond,
        double IdlePublishP50,
        double IdlePublishP99,
        double PublishesPerSecond,
        double PublishP50,
        double PublishP99,
        double PacedPublishP50,
        double PacedPublishP99,
        double ReceiptP50,
        double ReceiptP99,
        long PeakWorkingSet,
        double CpuPerDelivery,
        double DrainCpuPerDelivery);
}
