using System.Diagnostics;
using System.Net;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Pipeline;

/// <summary>
/// The library's own cost per delivery, without the network: the in-memory store (or SQLite with <c>--store sqlite</c>), the
/// real worker, signer, circuit breaker and typed client, with the primary handler replaced by one that answers 204 at once.
/// N events are published, then the worker drains them; the figure is process CPU time per delivery, which on a shared VM
/// moves far less than wall time.
/// </summary>
internal sealed class PipelineCommand(int events, int rounds, bool allocations, StoreKind store, bool sqliteFlushWorkerWrites)
{
    private const int Publishers = 64;

    public static PipelineCommand Parse(string[] args)
    {
        var events = 100_000;
        var rounds = 5;
        var allocations = false;
        var store = StoreKind.Memory;
        var sqliteFlushWorkerWrites = true;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--allocations")
            {
                allocations = true;
                continue;
            }

            if (args[i] == "--sqlite-defer-worker-flushes")
            {
                sqliteFlushWorkerWrites = false;
                continue;
            }

            if (args[i] is not ("--events" or "--rounds" or "--store"))
            {
                throw new ArgumentException($"Unknown option '{args[i]}'.");
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--events":
                    events = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--store":
                    store = value switch
                    {
                        "memory" => StoreKind.Memory,
                        "sqlite" => StoreKind.Sqlite,
                        _ => throw new ArgumentException($"--store takes memory or sqlite, not '{value}'."),
                    };
                    break;
            }

            i++;
        }

        return new PipelineCommand(events, rounds, allocations, store, sqliteFlushWorkerWrites);
    }

    public async Task<int> RunAsync()
    {
        var storeName = store != StoreKind.Sqlite ? "in-memory store" : sqliteFlushWorkerWrites ? "SQLite (FULL) store" : "SQLite (FULL) store, worker commits unflushed";
        Console.WriteLine($"Pipeline: {storeName}, no network, {events:N0} deliveries per round, {rounds} rounds (the first is warm-up)");
        var results = new List<(double PerSecond, double CpuMicroseconds, double Allocated, string Writer)>();
        using var sampler = allocations ? new AllocationSampler() : null;
        for (var round = 0; round <= rounds; round++)
        {
            var result = await RunRoundAsync(round == rounds ? sampler : null);
            if (round > 0)
            {
                results.Add(result);
            }

            Console.WriteLine($"  round {round}{(round == 0 ? " (warm-up)" : string.Empty)}: {result.PerSecond:N0} deliveries/s, {result.CpuMicroseconds:0.0} µs CPU and {result.Allocated:N0} B allocated per delivery{result.Writer}");
        }

        var cpu = results.Select(r => r.CpuMicroseconds).Order().ToArray();
        var allocated = results.Select(r => r.Allocated).Order().ToArray();
        Console.WriteLine($"Median per delivery: {cpu[cpu.Length / 2]:0.0} µs CPU (min {cpu[0]:0.0}, max {cpu[^1]:0.0}), {allocated[allocated.Length / 2]:N0} B allocated");
        if (sampler is not null)
        {
            Console.WriteLine("Allocated types in the last round (sampled every ~100 KB), by share of the bytes:");
            foreach (var (type, share) in sampler.Top(25))
            {
                Console.WriteLine($"  {share,6:P1}  {type}");
            }
        }

        return 0;
    }

    private async Task<(double PerSecond, double CpuMicroseconds, double Allocated, string Writer)> RunRoundAsync(AllocationSampler? sampler)
    {
        var handler = new AnsweringHandler(events);
        var path = store == StoreKind.Sqlite ? BenchHost.NewSqlitePath() : null;
        try
        {
            return await RunRoundAsync(handler, path, sampler);
        }
        finally
        {
            if (path is not null)
            {
                BenchHost.DeleteSqlite(path);
            }
        }
    }

    private async Task<(double PerSecond, double CpuMicroseconds, double Allocated, string Writer)> RunRoundAsync(AnsweringHandler handler, string? sqlitePath, AllocationSampler? sampler)
    {
        using var host = BenchHost.Build(store, sqlitePath, o =>
        {
            o.MaxConcurrentDeliveries = 32;
            o.MaxConcurrentDeliveriesPerEndpoint = 32;
            o.ClaimBatchSize = 64;
        }, http => http.ConfigurePrimaryHttpMessageHandler(() => handler), sqliteFlushWorkerWrites);
        var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
        await host.Services.GetRequiredService<IWebhookSubscriptionManager>()
            .CreateAsync(BenchData.Tenant, new WebhookSubscriptionRequest { Url = "http://127.0.0.1:9/hook", EventTypes = ["bench:*"] });
        // Concurrent publishers, so that a durable store's group commit fills its batches (one caller would wait for an fsync per event).
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < events; i = Interlocked.Increment(ref next))
            {
                await publisher.PublishAsync(BenchData.EventType, BenchData.Payload(i), BenchData.Tenant);
            }
        }));

        var writer = WriterUsage.Of(host);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var usageBefore = ProcessUsage.Now();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        sampler?.Start();
        await host.StartAsync();
        await handler.Done.WaitAsync(TimeSpan.FromMinutes(5));
        sampler?.Stop();
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = (ProcessUsage.Now() - usageBefore).Total;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await host.StopAsync(CancellationToken.None);
        var writerLine = writer?.Since(elapsed, events) ?? string.Empty;
        return (events / elapsed.TotalSeconds, cpu.TotalMicroseconds / events, allocated / (double)events, writerLine);
    }


    private sealed class AnsweringHandler(int expected) : HttpMessageHandler
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Done => _done.Task;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _count) == expected)
            {
                _done.TrySetResult();
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request });
        }
    }
}
