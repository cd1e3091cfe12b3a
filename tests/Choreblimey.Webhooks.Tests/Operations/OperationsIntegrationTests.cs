using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>Delivery operations end to end: in-memory store, worker, real loopback receiver.</summary>
public sealed class OperationsIntegrationTests : IAsyncLifetime
{
    private const string Family = "family-ops";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync(Action<WebhookOptions>? configure = null, Action<IWebhooksBuilder>? webhooks = null, Action<IServiceCollection>? services = null) =>
        WebhookTestHost.StartAsync(
            builder =>
            {
                builder.AddEvent("chore:created", "Chores");
                webhooks?.Invoke(builder);
                if (configure is not null)
                {
                    builder.Configure(configure);
                }
            },
            services);

    private async Task<WebhookSubscription> SubscribeAsync(WebhookTestHost host, string path, params string[] events) =>
        await host.Subscriptions.CreateAsync(Family, new WebhookSubscriptionRequest { Url = _receiver.Url(path).ToString(), EventTypes = events.Length == 0 ? ["chore:*"] : events });

    private static IWebhookOperations Operations(WebhookTestHost host) => host.Services.GetRequiredService<IWebhookOperations>();

    [Fact]
    public async Task Retry_sends_a_dead_lettered_delivery_again_and_the_log_shows_every_attempt()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen <= 3 ? 500 : 200);
        await using var host = await StartHostAsync();
        await SubscribeAsync(host, "/hooks");
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        var dead = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);

        Assert.True(await Operations(host).RetryAsync(Family, dead.Id));
        Assert.False(await Operations(host).RetryAsync("other-tenant", dead.Id));
        await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.Succeeded);

        var details = await Operations(host).GetAsync(Family, dead.Id);
        Assert.NotNull(details);
        Assert.Equal([500, 500, 500, 200], details.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(receipt.EventId, details.Message!.Id);
        Assert.Null(await Operations(host).GetAsync("other-tenant", dead.Id));
        var page = await Operations(host).QueryAsync(new WebhookDeliveryQuery { TenantId = Family, Status = WebhookDeliveryStatus.Succeeded });
        Assert.Equal(dead.Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task Recover_requeues_every_dead_lettered_delivery_of_a_subscription_in_one_call()
    {
        var failing = true;
        _receiver.Respond = (_, _) => Task.FromResult(Volatile.Read(ref failing) ? 500 : 200);
        await using var host = await StartHostAsync();
        var subscription = await SubscribeAsync(host, "/hooks");
        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        var second = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForDeliveryStatusAsync(Family, second.EventId!, WebhookDeliveryStatus.DeadLettered);
        Volatile.Write(ref failing, false);

        Assert.Equal(2, await Operations(host).RecoverAsync(Family, subscription.Id, since: null));

        await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.Succeeded);
        await host.WaitForDeliveryStatusAsync(Family, second.EventId!, WebhookDeliveryStatus.Succeeded);
        var stats = await Operations(host).GetStatsAsync(new WebhookStatsQuery { TenantId = Family, SubscriptionId = subscription.Id });
        Assert.Equal(2, stats.Total);
        Assert.Equal(2, stats.Succeeded);
        Assert.NotNull(stats.LastSuccessAt);
        Assert.NotNull(stats.LastFailureAt);
        Assert.NotNull(stats.LatencyP95);
    }

    [Fact]
    public async Task SendTest_returns_the_outcome_signed_like_a_delivery_and_stays_out_of_stats_and_usage()
    {
        _receiver.Respond = (_, _) => Task.FromResult(202);
        await using var host = await StartHostAsync();
        var subscription = await SubscribeAsync(host, "/hooks");

        var result = await Operations(host).SendTestAsync(Family, subscription.Id, new { Hello = "world" });

        Assert.True(result.Succeeded);
        Assert.Equal(202, result.StatusCode);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal(result.EventId, request.WebhookId);
        Assert.True(new WebhookVerifier().Verify(request.Body, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), subscription.Secrets[0].Secret).IsValid);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(WebhookOperationalEvents.Test, body.RootElement.GetProperty("type").GetString());
        Assert.Equal("world", body.RootElement.GetProperty("data").GetProperty("hello").GetString());

        var attempt = Assert.Single((await Operations(host).GetAsync(Family, result.DeliveryId))!.Attempts);
        Assert.True(attempt.IsTest);
        Assert.Equal(0, (await Operations(host).GetStatsAsync(new WebhookStatsQuery { TenantId = Family })).Total);
        var usage = await Operations(host).GetUsageAsync(Family, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal((0, 0, 0), (usage.EventsPublished, usage.Deliveries, usage.Attempts));
        var notFound = await Assert.ThrowsAsync<WebhookOperationException>(async () => await Operations(host).SendTestAsync("other-tenant", subscription.Id));
        Assert.Equal((WebhookOperationError.SubscriptionNotFound, subscription.Id), (notFound.Error, notFound.SubscriptionId));

        Assert.True((await Operations(host).GetAsync(Family, result.DeliveryId))!.Delivery.IsTest);
        var retry = await Assert.ThrowsAsync<WebhookOperationException>(async () => await Operations(host).RetryAsync(Family, result.DeliveryId));
        Assert.Contains("test send", retry.Message, StringComparison.Ordinal);
        Assert.Equal((WebhookOperationError.TestSendNotRetried, result.DeliveryId), (retry.Error, retry.DeliveryId));
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task SendTest_uses_the_subscriptions_signature_profile_envelope_and_headers()
    {
        await using var host = await StartHostAsync();
        var subscription = await host.Subscriptions.CreateAsync(Family, new WebhookSubscriptionRequest
        {
            Url = _receiver.Url("/github").ToString(),
            EventTypes = ["chore:*"],
            SignatureProfile = "github",
            Envelope = "make",
            Headers = new Dictionary<string, string> { ["X-Partner"] = "acme" },
        });

        var result = await Operations(host).SendTestAsync(Family, subscription.Id);

        Assert.True(result.Succeeded);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("acme", request.Header("X-Partner"));
        var verified = new WebhookVerifier().Verify(WebhookSignatureProfile.GitHub, request.Body, request.Header, [subscription.Secrets[0].Secret]);
        Assert.True(verified.IsValid, verified.Message);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(result.EventId, body.RootElement.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Deliveries_for_a_disabled_subscription_are_held_and_sent_once_it_is_enabled_again()
    {
        var gone = true;
        _receiver.Respond = (_, _) => Task.FromResult(Volatile.Read(ref gone) ? 410 : 200);
        await using var host = await StartHostAsync();
        var subscription = await SubscribeAsync(host, "/hooks");
        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await host.WaitForSubscriptionStateAsync(Family, subscription.Id, WebhookSubscriptionState.Disabled, "the subscription to be disabled");

        var held = await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Family);
        Assert.Equal(1, held.DeliveryCount);
        Volatile.Write(ref gone, false);
        Assert.True(await Operations(host).EnableSubscriptionAsync(Family, subscription.Id));

        await host.WaitForDeliveryStatusAsync(Family, held.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(WebhookSubscriptionState.Active, (await host.Store.GetSubscriptionAsync(Family, subscription.Id))!.State);
        Assert.Equal(2, _receiver.Received.Count);
    }

    [Fact]
    public async Task A_host_level_endpoints_dead_letter_is_announced_under_the_default_tenant_not_the_events_tenant()
    {
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/gone" ? 410 : 200);
        await using var host = await StartHostAsync(webhooks: webhooks => webhooks.AddOperationalEvents());
        var gone = await host.Subscriptions.CreateAsync(WebhookTenants.All, new WebhookSubscriptionRequest { Url = _receiver.Url("/gone").ToString(), EventTypes = ["chore:*"] });
        await SubscribeAsync(host, "/family-ops", "webhook.*");
        await host.Subscriptions.CreateAsync(WebhookTenants.Default, new WebhookSubscriptionRequest { Url = _receiver.Url("/host-ops").ToString(), EventTypes = ["webhook.*"] });

        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);

        // One publish carries the event: received by the default tenant's listener, it was not published to the family's.
        await _receiver.WaitUntilAsync(
            r => r.Any(x => x.Path == "/host-ops" && x.BodyText.Contains(WebhookOperationalEvents.DeliveryDeadLettered, StringComparison.Ordinal) && x.BodyText.Contains(gone.Id, StringComparison.Ordinal)),
            because: "the host-level endpoint's dead letter announced to the host");
        Assert.DoesNotContain(_receiver.Received, x => x.Path == "/family-ops" && x.BodyText.Contains(gone.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_disabled_host_level_endpoint_is_announced_to_host_level_listeners()
    {
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/gone" ? 410 : 200);
        await using var host = await StartHostAsync(webhooks: webhooks => webhooks.AddOperationalEvents());
        var gone = await host.Subscriptions.CreateAsync(WebhookTenants.All, new WebhookSubscriptionRequest { Url = _receiver.Url("/gone").ToString(), EventTypes = ["chore:*"] });
        await host.Subscriptions.CreateAsync(WebhookTenants.All, new WebhookSubscriptionRequest { Url = _receiver.Url("/ops").ToString(), EventTypes = ["webhook.*"] });

        await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);

        await _receiver.WaitUntilAsync(
            r => r.Any(x => x.Path == "/ops" && x.BodyText.Contains(WebhookOperationalEvents.EndpointDisabled, StringComparison.Ordinal) && x.BodyText.Contains(gone.Id, StringComparison.Ordinal)),
            because: "the endpoint-disabled event for the host-level subscription");
        Assert.Equal(WebhookSubscriptionState.Disabled, (await host.Subscriptions.GetAsync(WebhookTenants.All, gone.Id))!.State);
    }

    [Fact]
    public async Task A_failure_streak_disables_the_endpoint_notifies_the_host_and_publishes_operational_events()
    {
        _receiver.Respond = (context, _) => Task.FromResult(context.Request.Path == "/bad" ? 500 : 200);
        var notifier = new RecordingNotifier();
        await using var host = await StartHostAsync(
            options =>
            {
                options.Retry.UseSchedule(TimeSpan.Zero);
                options.Health.DisableAfterConsecutiveFailures = 2;
                options.Health.DisableAfterFailingFor = TimeSpan.Zero;
            },
            webhooks => webhooks.AddOperationalEvents(),
            services =>
            {
                services.AddSingleton<IWebhookNotifier, ThrowingNotifier>();
                services.AddSingleton<IWebhookNotifier>(notifier);
            });
        var bad = await SubscribeAsync(host, "/bad", "chore:*", "webhook.*");
        await SubscribeAsync(host, "/ops", "webhook.*");

        var first = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        await _receiver.WaitUntilAsync(r => r.Any(x => x.Path == "/ops" && x.BodyText.Contains(WebhookOperationalEvents.DeliveryDeadLettered, StringComparison.Ordinal)), because: "the dead-letter event");
        await _receiver.WaitUntilAsync(r => r.Any(x => x.Path == "/ops" && x.BodyText.Contains(WebhookOperationalEvents.EndpointDisabled, StringComparison.Ordinal)), because: "the endpoint-disabled event");

        var disabled = await host.Store.GetSubscriptionAsync(Family, bad.Id);
        Assert.Equal(WebhookSubscriptionState.Disabled, disabled!.State);
        Assert.Contains("consecutive failed attempts", disabled.DisabledReason, StringComparison.Ordinal);
        Assert.Contains(notifier.DeadLetters, n => n.EventId == first.EventId && n.SubscriptionId == bad.Id && n.LastStatusCode == 500);
        Assert.Contains(notifier.Disabled, n => n.SubscriptionId == bad.Id);

        // The failing endpoint also listens to webhook.*: its own operational deliveries dead-letter without publishing more.
        // Wait until nothing is due any more (the disabled endpoint's deliveries are parked), then count.
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var pending = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, Status = WebhookDeliveryStatus.Pending, Limit = WebhookDeliveryQuery.MaxLimit });
            return pending.Items.All(d => d.NextAttemptAt > DateTimeOffset.UtcNow.AddMinutes(1));
        }, "every delivery to settle or be parked");
        Assert.Single(_receiver.Received, r => r.Path == "/ops" && r.BodyText.Contains(WebhookOperationalEvents.EndpointDisabled, StringComparison.Ordinal));
        Assert.True(_receiver.Received.Count(r => r.Path == "/ops" && r.BodyText.Contains(WebhookOperationalEvents.DeliveryDeadLettered, StringComparison.Ordinal)) <= 2);
    }

    [Fact]
    public async Task The_receiver_gets_a_traceparent_in_the_publishing_trace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Choreblimey.Webhooks" || source.Name == "ops-test",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("ops-test");
        await using var host = await StartHostAsync();
        await SubscribeAsync(host, "/hooks");

        string traceId;
        using (var request = source.StartActivity("incoming request"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId.ToHexString();
            await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        }

        await _receiver.WaitForCountAsync(1);
        var traceparent = Assert.Single(_receiver.Received).Header("traceparent");
        Assert.NotNull(traceparent);
        Assert.Equal(traceId, traceparent.Split('-')[1]);
    }

    [Fact]
    public async Task A_hanging_endpoint_does_not_starve_the_others()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = 0;
        _receiver.Respond = async (context, _) =>
        {
            if (context.Request.Path == "/slow")
            {
                Interlocked.Increment(ref slowStarted);
                await release.Task.WaitAsync(context.RequestAborted);
            }

            return 200;
        };
        await using var host = await StartHostAsync(options => options.AttemptTimeout = TimeSpan.FromSeconds(30));
        await SubscribeAsync(host, "/slow");
        await SubscribeAsync(host, "/fast");
        const int Events = 40;
        for (var i = 0; i < Events; i++)
        {
            await host.Publisher.PublishAsync("chore:created", new { Id = i }, tenantId: Family);
        }

        try
        {
            await _receiver.WaitUntilAsync(r => r.Count(x => x.Path == "/fast") == Events, because: "every fast delivery");
            Assert.DoesNotContain(_receiver.Received, r => r.Path == "/slow");
            Assert.InRange(Volatile.Read(ref slowStarted), 1, 4);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task The_health_check_degrades_on_recent_dead_letters()
    {
        _receiver.Respond = (_, _) => Task.FromResult(500);
        await using var host = await StartHostAsync(services: s => s.AddHealthChecks().AddWebhooksHealthCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await SubscribeAsync(host, "/hooks");
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);

        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal(1L, report.Entries["webhooks"].Data["deadLettered"]);
        var backlog = await host.Services.GetRequiredService<WebhookBacklogMonitor>().SampleAsync(CancellationToken.None);
        Assert.Equal(1, backlog.DeadLetteredSince);
    }

    [Fact]
    public async Task Retention_purges_succeeded_deliveries_after_their_ttl()
    {
        var clock = new WebhookTestClock();
        await using var host = await StartHostAsync(
            options =>
            {
                options.Retention.SucceededTtl = TimeSpan.Zero;
                options.Retention.Interval = TimeSpan.FromHours(1);
            },
            services: s => s.AddSingleton<TimeProvider>(clock));
        await SubscribeAsync(host, "/hooks");
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Family);
        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.Succeeded);

        // Not yet expired at the instant it completed (the cutoff is exclusive); one second later it is.
        Assert.Equal((0L, 0L, 0L), await host.Services.GetRequiredService<WebhookRetentionService>().PurgeAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));

        var removed = await host.Services.GetRequiredService<WebhookRetentionService>().PurgeAsync(CancellationToken.None);

        Assert.Equal((1L, 1L, 0L), removed);
        Assert.Null(await host.Store.GetDeliveryAsync(Family, delivery.Id));
    }

    private sealed class RecordingNotifier : IWebhookNotifier
    {
        public ConcurrentBag<WebhookDeadLetterNotification> DeadLetters { get; } = [];

        public ConcurrentBag<WebhookSubscriptionDisabledNotification> Disabled { get; } = [];

        public ValueTask OnDeliveryDeadLetteredAsync(WebhookDeadLetterNotification notification, CancellationToken cancellationToken)
        {
            DeadLetters.Add(notification);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnSubscriptionDisabledAsync(WebhookSubscriptionDisabledNotification notification, CancellationToken cancellationToken)
        {
            Disabled.Add(notification);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingNotifier : IWebhookNotifier
    {
        public ValueTask OnDeliveryDeadLetteredAsync(WebhookDeadLetterNotification notification, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("notifier down");
    }
}
