using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Choreblimey.Webhooks.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// Stopping the host with an attempt in flight: a graceful stop lets it finish and records it; a hard stop (the shutdown
/// token cancelled) abandons it unrecorded, and its lease lapses so the delivery is claimed again. The clock is fake, so the
/// attempt timeout never fires on its own and the lease lapses only when the test moves the clock.
/// </summary>
public sealed class WebhookDeliveryWorkerShutdownTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);
    private readonly WebhookTestClock _clock = new(T0);
    private readonly InMemoryWebhookStore _store = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<IHost> StartHostAsync(CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (logs is not null)
        {
            // The host's logger factory disposes it with the host.
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSingleton<TimeProvider>(_clock);
        // Shared by the hosts of one test, as a database would be.
        builder.Services.AddSingleton<IWebhookStore>(_store);
        builder.Services
            .AddWebhooks(o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = LeaseDuration;
                o.PollInterval = TimeSpan.FromSeconds(1);
                o.CircuitBreaker.Enabled = false;
            })
            .AddEvent("chore:created", "Chores")
            .AllowLoopback();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static WebhookDeliveryWorker Worker(IHost host) => host.Services.GetServices<IHostedService>().OfType<WebhookDeliveryWorker>().Single();

    private async Task<string> SubscribeAndPublishAsync(IHost host)
    {
        await host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
            Tenant, new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["*"] });
        var receipt = await host.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
        await _entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        return receipt.EventId!;
    }

    private async Task<WebhookDelivery> DeliveryAsync(string eventId) =>
        Assert.Single((await _store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = eventId })).Items);

    [Fact]
    public async Task On_a_graceful_stop_the_attempt_in_flight_finishes_and_is_recorded()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (_, _) =>
        {
            _entered.TrySetResult();
            await release.Task;
            return 200;
        };
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(logs);
        var eventId = await SubscribeAndPublishAsync(host);

        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stopping = host.StopAsync(shutdown.Token);
        await WebhookTestHost.EventuallyAsync(
            () => Task.FromResult(logs.Entries.Any(e => e.Contains("stopping; waiting for 1 in-flight attempts", StringComparison.Ordinal))),
            "the worker to stop claiming and wait for its attempt in flight");
        Assert.False(stopping.IsCompleted);

        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        var delivery = await DeliveryAsync(eventId);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, delivery.Status);
        var attempt = Assert.Single(await _store.GetAttemptsAsync(Tenant, delivery.Id));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task On_a_hard_stop_the_attempt_in_flight_is_abandoned_unrecorded_and_claimed_again_once_its_lease_lapses()
    {
        _receiver.Respond = async (context, seen) =>
        {
            if (seen == 1)
            {
                _entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            return 200;
        };
        var first = await StartHostAsync();
        var eventId = await SubscribeAndPublishAsync(first);
        var abandonedBy = Worker(first);

        // The host's shutdown timeout has run out: the shutdown token is already cancelled.
        using var expired = new CancellationTokenSource();
        await expired.CancelAsync();
        await first.StopAsync(expired.Token);
        await abandonedBy.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(15));
        first.Dispose();

        var abandoned = await DeliveryAsync(eventId);
        Assert.Equal(WebhookDeliveryStatus.Pending, abandoned.Status);
        Assert.Equal(0, abandoned.AttemptCount);
        Assert.Empty(await _store.GetAttemptsAsync(Tenant, abandoned.Id));
        Assert.Equal(abandonedBy.WorkerId, abandoned.LeaseOwner);
        Assert.Equal(T0 + LeaseDuration, abandoned.NextAttemptAt);

        // Another worker on the same store claims it only once the lease has lapsed, and delivers it.
        using var second = await StartHostAsync();
        Assert.Empty(await _store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("probe", 10, _clock.GetUtcNow(), LeaseDuration)));
        _clock.Advance(LeaseDuration);
        await WebhookTestHost.EventuallyAsync(async () => (await DeliveryAsync(eventId)).Status == WebhookDeliveryStatus.Succeeded, "the delivery to be claimed again and delivered");

        var delivered = await DeliveryAsync(eventId);
        Assert.Equal(1, delivered.AttemptCount);
        Assert.NotEqual(abandonedBy.WorkerId, Worker(second).WorkerId);
        var attempt = Assert.Single(await _store.GetAttemptsAsync(Tenant, delivered.Id));
        Assert.Equal(T0 + LeaseDuration, attempt.StartedAt);
        await _receiver.WaitForCountAsync(2);
        // The receiver logs a request when it is over: the abandoned one when Kestrel notices the aborted connection, which
        // under load can come after the second worker's request was answered. Both are there; the order is not the point.
        Assert.Equal([200, 499], _receiver.Received.Select(r => r.AnsweredStatus).Order());
        await second.StopAsync(CancellationToken.None);
    }
}
