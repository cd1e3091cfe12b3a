using System.Diagnostics;
using System.Net;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Pipeline;

/// <summary>
/// The library's own cost per delivery, without the network: the in-memory store, the real worker, signer, circuit breaker
/// and typed client, with the primary handler replaced by one that answers 204 at once. N events are published, then the
/// worker drains them; the figure is process CPU time per delivery, which on a shared VM moves far less than wall time.
/// </summary>
internal sealed class PipelineCommand(int events, int rounds, bool allocations)
{
    public static PipelineCommand Parse(string[] args)
    {
        var events = 100_000;
        var rounds = 5;
        var allocations = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--allocations")
            {
                allocations = true;
                continue;
            }

            if (args[i] is not ("--events" or "--rounds"))
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
            }

            i++;
        }

        return new PipelineCommand(events, rounds, allocations);
    }

    public async Task<int> RunAsync()
    {
        Console.WriteLine($"Pipeline: in-memory store, no network, {events:N0} deliveries per round, {rounds} rounds (the first is warm-up)");
        var results = new List<(double PerSecond, double CpuMicroseconds, double Allocated)>();
        using var sampler = allocations ? new AllocationSampler() : null;
        for (var round = 0; round <= rounds; round++)
        {
            var result = await RunRoundAsync(round == rounds ? sampler : null);
            if (round > 0)
            {
                results.Add(result);
            }

            Console.WriteLine($"  round {round}{(round == 0 ? " (warm-up)" : string.Empty)}: {result.PerSecond:N0} deliveries/s, {result.CpuMicroseconds:0.0} µs CPU and {result.Allocated:N0} B allocated per delivery");
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

    private async Task<(double PerSecond, double CpuMicroseconds, double Allocated)> RunRoundAsync(AllocationSampler? sampler)
    {
        var handler = new AnsweringHandler(events);
        using var host = BenchHost.Build(StoreKind.Memory, null, o =>
        {
            o.MaxConcurrentDeliveries = 32;
            o.MaxConcurrentDeliveriesPerEndpoint = 32;
            o.ClaimBatchSize = 64;
        }, http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
        await host.Services.GetRequiredService<IWebhookSubscriptionManager>()
            .CreateAsync(BenchData.Tenant, new WebhookSubscriptionRequest { Url = "http://127.0.0.1:9/hook", EventTypes = ["bench:*"] });
        for (var i = 0; i < events; i++)
        {
            await publisher.PublishAsync(BenchData.EventType, BenchData.Payload(i), BenchData.Tenant);
        }

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
        return (events / elapsed.TotalSeconds, cpu.TotalMicroseconds / events, allocated / (double)events);
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
