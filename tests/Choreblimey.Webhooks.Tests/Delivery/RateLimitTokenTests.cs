using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// A subscription's rate-limit token is spent only by a delivery that is sent: one handed back by the endpoint's hold limit
/// or its open circuit leaves the bucket as it was, so the endpoint is not slowed below its configured rate.
/// </summary>
public sealed class RateLimitTokenTests : IAsyncLifetime
{
    private const string Tenant = "family-tokens";
    private readonly WebhookTestClock _clock = new(TestServices.Start);
    private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackReceiver _receiver = null!;
    private WebhookTestHost? _host;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        _answer.TrySetResult();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _receiver.DisposeAsync();
    }

    private async Task<WebhookTestHost> StartAsync(Action<WebhookOptions> options)
    {
        // The clock stands still unless a test moves it: no token is refilled and nothing handed back falls due meanwhile.
        _host = await WebhookTestHost.StartAsync(
            w => w.AddEvent("chore:created", "Chores"),
            s => s.AddSingleton<TimeProvider>(_clock).Configure(options));
        return _host;
    }

    private static async Task<string> PublishAsync(WebhookTestHost host, int id) =>
        (await host.Publisher.PublishAsync("chore:created", new { Id = id }, tenantId: Tenant)).EventId!;

    private static async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(WebhookTestHost host) =>
        (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items;

    private bool HandedBackUnsent(WebhookDelivery delivery) =>
        delivery is { Status: WebhookDeliveryStatus.Pending, LeaseOwner: null, AttemptCount: 0 } && delivery.NextAttemptAt > _clock.GetUtcNow();

    private long AvailableTokens(WebhookTestHost host, string subscriptionId, double rate) =>
        host.Services.GetRequiredService<WebhookEndpointRegistry>().Get(subscriptionId).GetRateLimiter(rate, _clock).GetStatistics().CurrentAvailablePermits;

    [Fact]
    public async Task Deliveries_handed_back_by_an_open_circuit_spend_no_tokens()
    {
        const double rate = 2;
        _receiver.Respond = (_, _) => Task.FromResult(500);
        var host = await StartAsync(o =>
        {
            // Retries are an hour away: within the test only the breaker decides what is sent.
            o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1));
            o.CircuitBreaker.Enabled = true;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 1.0;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        });
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"], RateLimitPerSecond = rate });

        // Two failed attempts (the whole burst) open the circuit; a second later the bucket is full again, the circuit still open.
        await PublishAsync(host, 1);
        await PublishAsync(host, 2);
        await WebhookTestHost.EventuallyAsync(async () => (await DeliveriesAsync(host)).Count(d => d.AttemptCount == 1) == 2, "the two failed attempts");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, AvailableTokens(host, subscription.Id, rate));

        await PublishAsync(host, 3);
        await PublishAsync(host, 4);
        await WebhookTestHost.EventuallyAsync(async () => (await DeliveriesAsync(host)).Count(HandedBackUnsent) == 2, "the open circuit to hand both deliveries back");

        // Before the fix each of them had taken a token first: the bucket was empty, though nothing was sent.
        Assert.Equal(2, AvailableTokens(host, subscription.Id, rate));
        Assert.Equal(2, _receiver.Received.Count);
    }

    [Fact]
    public async Task Deliveries_handed_back_by_the_endpoints_hold_limit_spend_no_tokens()
    {
        const double rate = 10;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (_, _) =>
        {
            arrived.TrySetResult();
            await _answer.Task;
            return 200;
        };

        // One attempt in flight per endpoint, so the worker holds two leases for it (one sending, one waiting) and hands the rest back.
        var host = await StartAsync(o => o.MaxConcurrentDeliveriesPerEndpoint = 1);
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"], RateLimitPerSecond = rate });

        for (var i = 0; i < 6; i++)
        {
            await PublishAsync(host, i);
        }

        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await WebhookTestHost.EventuallyAsync(
            async () =>
            {
                var deliveries = await DeliveriesAsync(host);
                return deliveries.Count(HandedBackUnsent) == 4 && deliveries.Count(d => d.LeaseOwner is not null) == 2;
            },
            "two deliveries held and four handed back");

        // Only the two held have tokens (one sending, one waiting for the slot). Before the fix the four handed back kept
        // theirs too, spent for nothing.
        Assert.Equal(8, AvailableTokens(host, subscription.Id, rate));
    }
}
