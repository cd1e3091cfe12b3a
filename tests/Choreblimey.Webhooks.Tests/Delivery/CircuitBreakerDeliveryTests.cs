using System.Collections.Concurrent;
using System.Diagnostics;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// The per-endpoint circuit breaker on a fake clock, with real HTTP to a loopback receiver: failures open it for one
/// subscription only; its deliveries are then postponed, not attempted, until the break is over.
/// </summary>
public sealed class CircuitBreakerDeliveryTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);
    private readonly WebhookTestClock _clock = new(T0);
    private LoopbackReceiver _receiver = null!;
    private IHost _host = null!;
    private volatile bool _badEndpointHealed;

    private IWebhookStore Store => _host.Services.GetRequiredService<IWebhookStore>();

    private IWebhookPublisher Publisher => _host.Services.GetRequiredService<IWebhookPublisher>();

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackReceiver.StartAsync();
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/bad" && !_badEndpointHealed ? 500 : 200);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services
            .AddWebhooks(o =>
            {
                // Retries of the failed deliveries are an hour away: within the test only the breaker decides what is sent.
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromHours(1));
                o.Retry.JitterFactor = 0;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromMinutes(10);
                o.PollInterval = TimeSpan.FromSeconds(10);
                o.CircuitBreaker.Enabled = true;
                o.CircuitBreaker.MinimumThroughput = 2;
                o.CircuitBreaker.FailureRatio = 1.0;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
                o.CircuitBreaker.BreakDuration = BreakDuration;
            })
            .AddEvent("chore:created", "Chores")
            .AllowLoopback();
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
        await _receiver.DisposeAsync();
    }

    private async Task<WebhookDelivery> WaitForAsync(string messageId, string subscriptionId, Func<WebhookDelivery, bool> condition, string what)
    {
        WebhookDelivery? found = null;
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var page = await Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = messageId, SubscriptionId = subscriptionId });
            found = page.Items.SingleOrDefault();
            return found is not null && condition(found);
        }, what);
        return found!;
    }

    private async Task<string> PublishAsync(string choreId) =>
        (await Publisher.PublishAsync("chore:created", new { ChoreId = choreId }, tenantId: Tenant)).EventId!;

    private int RequestsTo(string path) => _receiver.Received.Count(r => r.Path == path);

    private async Task<(WebhookSubscription Bad, WebhookSubscription Good)> OpenTheBadEndpointsCircuitAsync()
    {
        var subscriptions = _host.Services.GetRequiredService<IWebhookSubscriptionManager>();
        var bad = await subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/bad").ToString(), EventTypes = ["*"] });
        var good = await subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url("/good").ToString(), EventTypes = ["*"] });

        // Two failures in a row (the minimum throughput, all failed) open the bad endpoint's circuit.
        foreach (var chore in new[] { "c1", "c2" })
        {
            var eventId = await PublishAsync(chore);
            var failed = await WaitForAsync(eventId, bad.Id, d => d.AttemptCount == 1, $"the attempt of {chore} to the bad endpoint");
            Assert.Equal(500, failed.LastStatusCode);
            await WaitForAsync(eventId, good.Id, d => d.Status == WebhookDeliveryStatus.Succeeded, $"{chore} to reach the good endpoint");
        }

        return (bad, good);
    }

    [Fact]
    public async Task Failures_open_the_circuit_of_one_endpoint_which_is_rested_for_the_break_while_others_are_served()
    {
        var (bad, good) = await OpenTheBadEndpointsCircuitAsync();

        // Open: the next delivery to the bad endpoint is handed back, due when the break ends, with no attempt made or counted.
        var rested = await PublishAsync("c3");
        var postponed = await WaitForAsync(rested, bad.Id, d => d.LeaseOwner is null && d.NextAttemptAt == T0 + BreakDuration, "the delivery to be handed back until the break ends");
        Assert.Equal(WebhookDeliveryStatus.Pending, postponed.Status);
        Assert.Equal(0, postponed.AttemptCount);
        Assert.Empty(await Store.GetAttemptsAsync(Tenant, postponed.Id));
        Assert.Equal(2, RequestsTo("/bad"));

        // The other subscription's endpoint is served meanwhile.
        await WaitForAsync(rested, good.Id, d => d.Status == WebhookDeliveryStatus.Succeeded, "c3 to reach the good endpoint while the bad one is rested");
        Assert.Equal(3, RequestsTo("/good"));

        // After the break the trial attempt goes through, which closes the circuit again.
        _badEndpointHealed = true;
        _clock.Advance(BreakDuration);
        var delivered = await WaitForAsync(rested, bad.Id, d => d.Status == WebhookDeliveryStatus.Succeeded, "the postponed delivery to be sent after the break");
        Assert.Equal(1, delivered.AttemptCount);
        Assert.Equal(T0 + BreakDuration, Assert.Single(await Store.GetAttemptsAsync(Tenant, delivered.Id)).StartedAt);

        var next = await PublishAsync("c4");
        await WaitForAsync(next, bad.Id, d => d.Status == WebhookDeliveryStatus.Succeeded, "a new delivery to the bad endpoint once its circuit closed");
        Assert.Equal(4, RequestsTo("/bad"));
    }

    [Fact]
    public async Task A_delivery_to_an_open_circuit_is_handed_back_before_an_attempt_is_started()
    {
        var attemptsOf = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Choreblimey.Webhooks",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "webhooks attempt" && activity.GetTagItem("webhooks.delivery.id") is string id)
                {
                    attemptsOf.Enqueue(id);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var (bad, _) = await OpenTheBadEndpointsCircuitAsync();

        // Before, the delivery went as far as the breaker inside the attempt: a client span for a request never sent, its
        // request built and signed, a hold place and a destination slot taken on the way.
        var rested = await PublishAsync("c3");
        var postponed = await WaitForAsync(rested, bad.Id, d => d.LeaseOwner is null && d.NextAttemptAt == T0 + BreakDuration, "the delivery to be handed back until the break ends");
        Assert.DoesNotContain(postponed.Id, attemptsOf);

        // At the break's end it is attempted: one span, its request sent.
        _badEndpointHealed = true;
        _clock.Advance(BreakDuration);
        await WaitForAsync(rested, bad.Id, d => d.Status == WebhookDeliveryStatus.Succeeded, "the postponed delivery to be sent after the break");
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(attemptsOf.Contains(postponed.Id)), "the attempt span to end");
        Assert.Single(attemptsOf, id => id == postponed.Id);
        Assert.Equal(3, RequestsTo("/bad"));
    }
}
