using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Testing.Tests;

/// <summary>
/// The harness options that change what it swaps in: <see cref="WebhookTestHarnessOptions.InterceptHttp"/> off sends over real
/// HTTP (through the address guard) while the harness still records and steps the clock, and
/// <see cref="WebhookTestHarnessOptions.UseTestClock"/> off keeps the host's clock.
/// </summary>
public sealed class WebhookTestHarnessOptionsTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Without_interception_the_worker_sends_over_real_HTTP_and_the_harness_still_records_and_steps_retries()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 500 : 200);
        await using var host = await HarnessHost.StartAsync(
            c => c.AllowLoopback().Configure(o => o.Retry.JitterFactor = 0),
            o => o.InterceptHttp = false);
        var start = host.Harness.Clock!.GetUtcNow();
        var subscription = await host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
            "family-1", new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["chore:*"] });

        var receipt = await host.Publisher.PublishAsync(new ChoreCreated("c1", "Feed the cat", "daily"), tenantId: "family-1");

        await host.Harness.WaitForIdleAsync();
        var first = Assert.Single(_receiver.Received);
        Assert.Equal(500, first.AnsweredStatus);
        Assert.Equal(start + TimeSpan.FromMinutes(5), await host.Harness.AdvanceToNextDueAsync());
        var delivery = await host.Harness.DeliveredToAsync(subscription.Id, "chore:created");

        Assert.Equal([500, 200], delivery.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal([start, start + TimeSpan.FromMinutes(5)], delivery.Attempts.Select(a => a.StartedAt));
        Assert.Equal(receipt.EventId, delivery.EventId);
        Assert.Equal(2, _receiver.Received.Count);
        Assert.All(_receiver.Received, r =>
        {
            Assert.Equal("/hooks", r.Path);
            Assert.Equal(receipt.EventId, r.WebhookId);
            Assert.True(new WebhookVerifier(timeProvider: host.Harness.Clock).Verify(r.Body, r.Header, [subscription.Secrets[0].Secret]).IsValid);
        });
        // The in-process receiver was not used.
        Assert.Empty(host.Harness.Receiver.Requests);
    }

    [Fact]
    public async Task Without_interception_the_address_guard_applies_so_a_loopback_receiver_needs_AllowLoopback()
    {
        await using var host = await HarnessHost.StartAsync(c => c.Configure(o => o.Security.AllowHttp = true), o => o.InterceptHttp = false);

        var refused = await Assert.ThrowsAsync<WebhookValidationException>(async () => await host.Services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
            "family-1", new WebhookSubscriptionRequest { Url = _receiver.Url("/hooks").ToString(), EventTypes = ["*"] }));

        Assert.StartsWith("The webhook URL's address 127.0.0.1 (loopback 127.0.0.0/8) is refused by the address guard", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowLoopback()", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task With_interception_any_url_is_accepted_because_nothing_connects()
    {
        await using var host = await HarnessHost.StartAsync();

        var subscription = await host.Harness.SubscribeAsync("family-1", "*");
        var internalUrl = await host.Services.GetRequiredService<IWebhookSubscriptionManager>().UpdateAsync(
            "family-1", subscription.Id, new WebhookSubscriptionUpdate { Url = "https://10.0.0.5/hooks" });
        await host.Publisher.PublishAsync(new ChoreCreated("c1", "Feed the cat", "daily"), tenantId: "family-1");

        await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal(new Uri("https://10.0.0.5/hooks"), Assert.Single(host.Harness.Receiver.Requests).Url);
        Assert.Equal(new Uri("https://10.0.0.5/hooks"), internalUrl!.Url);
    }

    [Fact]
    public async Task Without_the_test_clock_the_host_keeps_the_system_clock_and_retries_wait_in_real_time()
    {
        var before = DateTimeOffset.UtcNow;
        await using var host = await HarnessHost.StartAsync(
            c => c.Configure(o =>
            {
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
                o.Retry.JitterFactor = 0;
            }),
            o => o.UseTestClock = false);
        var subscription = await host.Harness.SubscribeAsync("family-1", "*");
        host.Harness.Receiver.RespondWith(500, 200);

        await host.Publisher.PublishAsync(new ChoreCreated("c1", "Feed the cat", "daily"), tenantId: "family-1");

        Assert.Null(host.Harness.Clock);
        Assert.Same(TimeProvider.System, host.Services.GetRequiredService<TimeProvider>());
        var stepping = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Harness.AdvanceToNextDueAsync());
        Assert.Contains("UseTestClock is off", stepping.Message, StringComparison.Ordinal);
        // Nothing steps a clock here: the retry becomes due as real time passes.
        var delivery = await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal([500, 200], delivery.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.All(delivery.Attempts, a => Assert.InRange(a.StartedAt, before, DateTimeOffset.UtcNow));
        Assert.True(delivery.Attempts[1].StartedAt >= delivery.Attempts[0].StartedAt + TimeSpan.FromMilliseconds(100));
        Assert.All(host.Harness.Receiver.Requests, r => Assert.InRange(r.ReceivedAt, before, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Without_the_test_clock_a_clock_the_host_registered_is_kept()
    {
        var hostClock = new WebhookTestClock(new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var host = await HarnessHost.StartAsync(
            c => c.Services.AddSingleton<TimeProvider>(hostClock),
            o => o.UseTestClock = false);
        var subscription = await host.Harness.SubscribeAsync(null, "*");

        await host.Publisher.PublishAsync(new ChoreCreated("c1", "Feed the cat", "daily"));

        var delivery = await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Same(hostClock, host.Services.GetRequiredService<TimeProvider>());
        Assert.Null(host.Harness.Clock);
        Assert.Equal(hostClock.GetUtcNow(), Assert.Single(delivery.Attempts).StartedAt);
        Assert.Equal(hostClock.GetUtcNow(), Assert.Single(host.Harness.Receiver.Requests).ReceivedAt);
    }
}
