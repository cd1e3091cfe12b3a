using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>
/// One publish (validate, serialise, route, store, wake the worker) on the in-memory store, with 0, 1 or 10 of the
/// tenant's 10 subscriptions matching. The host is not started, so no worker competes; a fresh host per iteration keeps
/// the in-memory store from growing without bound.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public class PublishBenchmarks
{
    private IHost? _host;
    private IWebhookPublisher _publisher = null!;
    private BenchPayload _payload = null!;

    [Params(0, 1, 10)]
    public int Matching { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _host?.Dispose();
        _host = BenchHost.Build(StoreKind.Memory, null);
        var store = _host.Services.GetRequiredService<IWebhookStore>();
        var url = new Uri("http://127.0.0.1:9/hooks");
        for (var i = 0; i < 10; i++)
        {
            string[] patterns = i < Matching ? ["bench:*"] : ["other:*"];
            store.CreateSubscriptionAsync(BenchData.Subscription("sub_" + i, url, patterns, WebhookSecret.Generate())).AsTask().GetAwaiter().GetResult();
        }

        _publisher = _host.Services.GetRequiredService<IWebhookPublisher>();
        _payload = BenchData.Payload(1);
        _publisher.PublishAsync(BenchData.EventType, _payload, BenchData.Tenant).AsTask().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _host?.Dispose();
        _host = null;
    }

    [Benchmark]
    public ValueTask<WebhookPublishReceipt> Publish() => _publisher.PublishAsync(BenchData.EventType, _payload, BenchData.Tenant);
}
