using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// The worker on a fake clock: retries wait for the clock, not for real time. HTTP still goes over real sockets to a loopback
/// receiver, so the clock is only moved while no attempt is in flight (the per-attempt timeout runs on the same clock).
/// </summary>
public sealed class WebhookDeliveryWorkerFakeClockTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly WebhookTestClock _clock = new(T0);
    private LoopbackReceiver _receiver = null!;
    private IHost _host = null!;

    private IWebhookStore Store => _host.Services.GetRequiredService<IWebhookStore>();

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackReceiver.StartAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services
            .AddWebhooks(o =>
            {
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(5));
                o.Retry.JitterFactor = 0;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromMinutes(10);
                // The longest allowed poll: the idle worker then sleeps exactly until the retry is due, on one fake timer.
                o.PollInterval = TimeSpan.FromMinutes(5);
                o.CircuitBreaker.Enabled = false;
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

    private async Task<WebhookDelivery> WaitForAsync(string messageId, Func<WebhookDelivery, bool> condition, string what)
    {
        WebhookDelivery? found = null;
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var page = await Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = messageId });
            found = page.Items.SingleOrDefault();
            return found is not null && condition(found);
        }, what);
        return found!;
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_when_the_clock_reaches_the_next_schedule_entry()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 500 : 200);
        await _host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
            Tenant,
            new WebhookSubscriptionRequest { Url = _receiver.Url().ToString(), EventTypes = ["chore:*"] });

        var receipt = await _host.Services.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);

        var failed = await WaitForAsync(receipt.EventId!, d => d.AttemptCount == 1, "the first attempt to be recorded");
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal(500, failed.LastStatusCode);
        Assert.Equal(T0 + TimeSpan.FromMinutes(5), failed.NextAttemptAt);
        Assert.Single(_receiver.Received);

        // Wait until the worker is asleep on the fake clock before moving it (no attempt is in flight any more).
        await WebhookTestHost.EventuallyAsync(() => Task.FromResult(_clock.PendingTimerCount > 0), "the worker to wait on the fake clock");
        _clock.Advance(TimeSpan.FromMinutes(5));

        var delivered = await WaitForAsync(receipt.EventId!, d => d.Status == WebhookDeliveryStatus.Succeeded, "the retry to succeed");
        Assert.Equal(2, delivered.AttemptCount);
        var attempts = await Store.GetAttemptsAsync(Tenant, delivered.Id);
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal([T0, T0 + TimeSpan.FromMinutes(5)], attempts.Select(a => a.StartedAt));
        Assert.Equal(2, _receiver.Received.Count);
        Assert.All(_receiver.Received, r => Assert.Equal(receipt.EventId, r.WebhookId));
        Assert.Equal(
            [T0.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), (T0 + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)],
            _receiver.Received.Select(r => r.Header("webhook-timestamp")));
    }
}
