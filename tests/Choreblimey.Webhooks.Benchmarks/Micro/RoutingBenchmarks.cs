using BenchmarkDotNet.Attributes;
using Choreblimey.Webhooks.Benchmarks.Infrastructure;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Choreblimey.Webhooks.Benchmarks.Micro;

/// <summary>
/// Subscription matching with 10, 1,000 and 10,000 subscriptions in one tenant, exactly one of which matches. The others
/// mix exact names, prefix wildcards and attribute filters, as a big tenant would. The issue-8 target: publish cost for one
/// matching subscription grows at most 2x from 10 to 10,000.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(20_000)]
public class RoutingBenchmarks
{
    private static readonly Dictionary<string, string> Attributes = new(StringComparer.Ordinal) { ["region"] = "eu", ["plan"] = "family" };
    private static readonly WebhookPublishOptions Options = new() { TenantId = BenchData.Tenant, Attributes = Attributes };

    private IHost? _host;
    private IWebhookPublisher _publisher = null!;
    private WebhookSubscriptionRouter _router = null!;
    private BenchPayload _payload = null!;

    [Params(10, 1_000, 10_000)]
    public int Subscriptions { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _host?.Dispose();
        _host = BenchHost.Build(StoreKind.Memory, null);
        var store = _host.Services.GetRequiredService<IWebhookStore>();
        var url = new Uri("http://127.0.0.1:9/hooks");
        var secret = WebhookSecret.Generate();
        for (var i = 0; i < Subscriptions - 1; i++)
        {
            // Non-matching: other event families, exact names of other events, and the right family with a filter that fails.
            var (patterns, filters) = (i % 4) switch
            {
                0 => ((IReadOnlyList<string>)[$"other{i % 97}:*"], (IReadOnlyList<WebhookAttributeFilter>?)null),
                1 => ([$"item{i}:created", $"item{i}:updated"], null),
                2 => (["bench:*"], [new WebhookAttributeFilter("region", WebhookFilterOperator.Equals, ["us"])]),
                _ => ([$"bench:deleted", $"chore{i % 13}:*"], [new WebhookAttributeFilter("plan", WebhookFilterOperator.In, ["pro", "team"])]),
            };
            store.CreateSubscriptionAsync(BenchData.Subscription($"sub_{i:D6}", url, patterns, secret, filters)).AsTask().GetAwaiter().GetResult();
        }

        store.CreateSubscriptionAsync(BenchData.Subscription(
            "sub_match", url, ["bench:created"], secret, [new WebhookAttributeFilter("region", WebhookFilterOperator.Equals, ["eu"])])).AsTask().GetAwaiter().GetResult();

        _router = _host.Services.GetRequiredService<WebhookSubscriptionRouter>();
        _publisher = _host.Services.GetRequiredService<IWebhookPublisher>();
        _payload = BenchData.Payload(1);
        var warm = _publisher.PublishAsync(BenchData.EventType, _payload, Options).AsTask().GetAwaiter().GetResult();
        if (warm.DeliveryCount != 1)
        {
            throw new InvalidOperationException($"Expected exactly one matching subscription, got {warm.DeliveryCount}.");
        }
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _host?.Dispose();
        _host = null;
    }

    [Benchmark]
    public ValueTask<IReadOnlyList<WebhookSubscription>> Match() =>
        _router.GetMatchingActiveAsync(BenchData.Tenant, BenchData.EventType, Attributes, CancellationToken.None);

    [Benchmark]
    public ValueTask<WebhookPublishReceipt> PublishOneMatching() => _publisher.PublishAsync(BenchData.EventType, _payload, Options);
}
