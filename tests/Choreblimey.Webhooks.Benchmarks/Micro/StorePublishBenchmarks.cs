using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>
/// One publish with one matching subscription, per store, from a single caller: the latency a request handler sees.
/// SQLite runs with synchronous=FULL (one fsync per commit; a lone caller gets no group-commit company). PostgreSQL is a
/// throwaway local server started as the tests start it (fsync=off, synchronous_commit=off: the database's own disk cost is
/// not measured, the round trips are).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(256)]
public class StorePublishBenchmarks
{
    private IHost _host = null!;
    private IWebhookPublisher _publisher = null!;
    private PostgreSqlTestServer? _postgres;
    private string? _sqlitePath;
    private BenchPayload _payload = null!;

    [Params(StoreKind.Memory, StoreKind.Sqlite, StoreKind.PostgreSql)]
    public StoreKind Store { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        string? connection = null;
        if (Store == StoreKind.Sqlite)
        {
            connection = _sqlitePath = BenchHost.NewSqlitePath();
        }
        else if (Store == StoreKind.PostgreSql)
        {
            _postgres = await PostgreSqlTestServer.StartAsync();
            connection = await _postgres.CreateDatabaseAsync();
        }

        _host = BenchHost.Build(Store, connection);
        var store = _host.Services.GetRequiredService<IWebhookStore>();
        await store.CreateSubscriptionAsync(BenchData.Subscription("sub_1", new Uri("http://127.0.0.1:9/hooks"), ["bench:*"], WebhookSecret.Generate()));
        _publisher = _host.Services.GetRequiredService<IWebhookPublisher>();
        _payload = BenchData.Payload(1);
        await _publisher.PublishAsync(BenchData.EventType, _payload, BenchData.Tenant);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
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
    public ValueTask<WebhookPublishReceipt> Publish() => _publisher.PublishAsync(BenchData.EventType, _payload, BenchData.Tenant);
}
