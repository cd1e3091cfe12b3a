using System.Diagnostics.Metrics;
using System.Text.Json;
using Choreblimey.Webhooks.Catalogs.WhatsCrm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using static Choreblimey.Webhooks.Acceptance.Tests.HostData;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>WhatsCRM (multi-tenant CRM): each requirement of its host description, met through the public API.</summary>
public sealed class WhatsCrmAcceptanceTests
{
    private static Task<AcceptanceHost> StartAsync(Action<WebhookOptions>? options = null) =>
        AcceptanceHost.StartAsync(b => b.AddWhatsCrmCatalog(), options);

    private static MessageReceived Incoming(string id = "wamid-1") =>
        new(id, "conv-1", "contact-1", "whatsapp", "text", DateTimeOffset.UnixEpoch);

    [Fact(DisplayName = WhatsCrmR1)]
    public async Task A_star_subscription_receives_every_event()
    {
        await using var host = await StartAsync();
        var all = await host.Harness.SubscribeAsync("tenant-a", "*");

        foreach (var (name, _) in WhatsCrmEvents)
        {
            await host.Publisher.PublishAsync(name, host.ExamplePayload(name), tenantId: "tenant-a");
        }

        foreach (var (name, _) in WhatsCrmEvents)
        {
            await host.Harness.DeliveredToAsync(all.Id, name);
        }

        Assert.Equal(22, host.Harness.Deliveries.Count(d => d.SubscriptionId == all.Id));
    }

    [Fact(DisplayName = WhatsCrmR2)]
    public async Task A_tenants_subscriptions_receive_only_its_events()
    {
        await using var host = await StartAsync();
        var a = await host.Harness.SubscribeAsync("tenant-a", "*");
        var b = await host.Harness.SubscribeAsync("tenant-b", "*");

        await host.Publisher.PublishAsync(Incoming("wamid-a"), tenantId: "tenant-a");
        await host.Publisher.PublishAsync(Incoming("wamid-b"), tenantId: "tenant-b");

        Assert.Equal("tenant-a", (await host.Harness.DeliveredToAsync(a.Id)).TenantId);
        await host.Harness.DeliveredToAsync(b.Id);
        await host.Harness.WaitForIdleAsync();
        var bodies = host.Harness.Receiver.Requests.ToDictionary(r => r.Url, r => JsonDocument.Parse(r.Body).RootElement);
        Assert.Equal("wamid-a", bodies[a.Url].GetProperty("data").GetProperty("messageId").GetString());
        Assert.Equal("wamid-b", bodies[b.Url].GetProperty("data").GetProperty("messageId").GetString());
        Assert.Null(await host.Subscriptions.GetAsync("tenant-b", a.Id));
        Assert.Empty((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-b", SubscriptionId = a.Id })).Items);
    }

    [Fact(DisplayName = WhatsCrmR3)]
    public async Task Publishing_never_breaks_the_callers_flow()
    {
        using var logs = new LogRecorder();
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddWhatsCrmCatalog(),
            o => o.ThrowOnInvalidPublish = false,
            afterHarness: (services, _) => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error).AddProvider(logs)));
        var rejections = new List<string>();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "webhooks.events.rejected")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (rejections)
            {
                rejections.Add((string)tags.ToArray().Single(t => t.Key == "event.type").Value!);
            }
        });
        listener.Start();
        await host.Harness.SubscribeAsync("tenant-a", "*");
        host.Harness.Receiver.RespondWith(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage();
        });

        var undeclared = await host.Publisher.PublishAsync("message.exploded", new { }, tenantId: "tenant-a");
        var unserialisable = await host.Publisher.PublishAsync(Incoming(), tenantId: new string('x', 500));
        var hanging = await host.Publisher.PublishAsync(Incoming(), tenantId: "tenant-a").AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(WebhookPublishStatus.Rejected, undeclared.Status);
        Assert.Contains("message.exploded", undeclared.Error, StringComparison.Ordinal);
        Assert.Equal(WebhookPublishStatus.Rejected, unserialisable.Status);
        Assert.Equal(WebhookPublishStatus.Published, hanging.Status);

        // "Failures are logged": each rejection is an error log (event 3) naming the event type, and is counted.
        var logged = logs.Entries.Where(e => e.EventId == 3).ToList();
        Assert.Equal(2, logged.Count);
        Assert.All(logged, e => Assert.Equal(LogLevel.Error, e.Level));
        Assert.All(logged, e => Assert.Null(e.Exception));   // bad input: the reason, not a stack trace per publish
        Assert.StartsWith("Rejected publish of message.exploded: ", logged[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Rejected publish of message.new: ", logged[1].Message, StringComparison.Ordinal);
        lock (rejections)
        {
            Assert.Equal(["message.exploded", "message.new"], rejections);
        }
    }

    [Fact(DisplayName = WhatsCrmR3 + " (the store down)")]
    public async Task A_store_that_cannot_save_the_event_fails_the_publish_in_its_receipt_not_in_the_callers_flow()
    {
        var path = Path.Combine(Path.GetTempPath(), $"whatscrm-acceptance-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await AcceptanceHost.StartAsync(
                b => b.AddWhatsCrmCatalog(),
                o => o.ThrowOnStoreFailure = false,
                afterHarness: (_, webhooks) => webhooks.UseSqliteStore(o =>
                {
                    o.ConnectionString = path;
                    o.BusyTimeout = TimeSpan.FromMilliseconds(50);
                }));
            var subscription = await host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = "https://crm.example/hooks", EventTypes = ["*"] });

            // Another process holds the database's write lock past the store's busy timeout.
            await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await other.OpenAsync();
                await using var command = other.CreateCommand();
                command.CommandText = "BEGIN EXCLUSIVE;";
                await command.ExecuteNonQueryAsync();

                var failed = await host.Publisher.PublishAsync(Incoming("wamid-lost"), tenantId: "tenant-a");

                Assert.Equal(WebhookPublishStatus.Failed, failed.Status);
                Assert.False(failed.IsStored);
                Assert.Contains("database is locked", failed.Error, StringComparison.OrdinalIgnoreCase);
                command.CommandText = "ROLLBACK;";
                await command.ExecuteNonQueryAsync();
            }

            var published = await host.Publisher.PublishAsync(Incoming("wamid-kept"), tenantId: "tenant-a");
            Assert.True(published.Status == WebhookPublishStatus.Published, published.Error);

            // The worker may have met the lock too, and waits out its back-off on the test clock: a timer it may arm only
            // after any one jump, so the clock moves a second at a time until the delivery arrives.
            await JossiedbAcceptanceTests.Eventually(() =>
            {
                if (host.Harness.Receiver.Requests.Count > 0)
                {
                    return true;
                }

                host.Harness.Clock!.Advance(TimeSpan.FromSeconds(1));
                return false;
            });
            var delivered = Assert.Single(host.Harness.Receiver.Requests);
            Assert.Contains("wamid-kept", delivered.BodyText, StringComparison.Ordinal);
            Assert.Equal(subscription.Url, delivered.Url);
            var logged = Assert.Single((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "tenant-a" })).Items);
            Assert.Equal(published.EventId, logged.MessageId);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact(DisplayName = WhatsCrmR4 + " (async delivery, latency metrics)")]
    public async Task Delivery_is_asynchronous_and_its_latency_is_measured()
    {
        await using var host = await StartAsync();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        var latencies = new List<double>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "webhooks.delivery.latency")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (latencies) { latencies.Add(value); } });
        listener.Start();

        var subscription = await host.Harness.SubscribeAsync("tenant-a", "message.*");
        host.Harness.Receiver.RespondWith(500);

        var receipt = await host.Publisher.PublishAsync(Incoming(), tenantId: "tenant-a");
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        await host.Harness.AdvanceToNextDueAsync();
        await host.Harness.DeliveredToAsync(subscription.Id);

        await JossiedbAcceptanceTests.Eventually(() => { lock (latencies) { return latencies.Count == 1; } });
        Assert.Equal(5.0, latencies[0], precision: 3);
    }

    [Fact(DisplayName = WhatsCrmR4 + " (usage per tenant)")]
    public async Task Usage_is_tracked_per_tenant()
    {
        await using var host = await StartAsync();
        var from = host.Harness.Clock!.GetUtcNow();
        var crm = await host.Harness.SubscribeAsync("tenant-a", "*");
        var analytics = await host.Harness.SubscribeAsync("tenant-a", "message.*");
        var other = await host.Harness.SubscribeAsync("tenant-b", "*");
        // The CRM endpoint fails its first attempt once, so tenant-a has one retry.
        host.Harness.Receiver.RespondWith((request, _) => Task.FromResult(new HttpResponseMessage(
            request.Url == crm.Url && request.AttemptNumber == 1 && request.BodyText.Contains("wamid-1", StringComparison.Ordinal)
                ? System.Net.HttpStatusCode.InternalServerError
                : System.Net.HttpStatusCode.OK)));

        await host.Publisher.PublishAsync(Incoming("wamid-1"), tenantId: "tenant-a");
        await host.Publisher.PublishAsync(Incoming("wamid-2"), tenantId: "tenant-a");
        await host.Publisher.PublishAsync("contact.created", host.ExamplePayload("contact.created"), tenantId: "tenant-a");
        await host.Publisher.PublishAsync(Incoming("wamid-3"), tenantId: "tenant-b");
        // The retry, and deliveries over the per-endpoint cap that were handed back for later, go out as the clock steps.
        while (await host.Harness.AdvanceToNextDueAsync() is not null)
        {
        }

        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 6);

        var before = host.Harness.Clock.GetUtcNow().AddSeconds(1);
        var a = await host.Operations.GetUsageAsync("tenant-a", from, before);
        var b = await host.Operations.GetUsageAsync("tenant-b", from, before);
        Assert.Equal((3, 5, 6), (a.EventsPublished, a.Deliveries, a.Attempts));
        Assert.Equal((1, 1, 1), (b.EventsPublished, b.Deliveries, b.Attempts));
        Assert.Equal(0, (await host.Operations.GetUsageAsync("tenant-c", from, before)).EventsPublished);
        Assert.Contains(host.Harness.Deliveries, d => d.SubscriptionId == analytics.Id);
        Assert.Contains(host.Harness.Deliveries, d => d.SubscriptionId == other.Id);
    }

    [Fact(DisplayName = WhatsCrmR5)]
    public async Task Signatures_verify_at_the_receiver_and_plain_http_is_refused()
    {
        await using var host = await StartAsync();
        var secure = await host.Harness.SubscribeAsync("tenant-a", "*");
        // HTTPS in production: a plain-http URL is refused when it is registered, naming the rule.
        var refused = await Assert.ThrowsAsync<WebhookValidationException>(() =>
            host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = "http://crm-partner.example/hook", EventTypes = ["*"] }).AsTask());
        Assert.Contains("'http'", refused.Message, StringComparison.Ordinal);

        await host.Publisher.PublishAsync(Incoming(), tenantId: "tenant-a");

        await host.Harness.DeliveredToAsync(secure.Id);
        var request = Assert.Single(host.Harness.Receiver.Requests);
        Assert.True(request.Verify(secure.Secrets[0].Secret, host.Harness.Clock).IsValid);
        Assert.False(request.Verify(WebhookSecret.Generate(), host.Harness.Clock).IsValid);
    }

    [Fact(DisplayName = WhatsCrmR6)]
    public async Task Rate_limited_hostile_payloads_arrive_intact_and_inputs_are_validated()
    {
        await using var host = await StartAsync(o => o.MaxConcurrentDeliveriesPerEndpoint = 2);
        var start = host.Harness.Clock!.GetUtcNow();
        var subscription = await host.Harness.SubscribeAsync("tenant-a", "*");
        // The tenant's endpoint takes at most 4 deliveries a second.
        await host.Subscriptions.UpdateAsync("tenant-a", subscription.Id, new WebhookSubscriptionUpdate { RateLimitPerSecond = 4 });
        var probe = new ConcurrencyProbe();
        probe.Install(host.Harness.Receiver);
        const string Hostile = "</script><script>alert(1)</script>\"},{\"injected\":true}\u2028\u0000'; DROP TABLE webhooks;--";

        for (var i = 0; i < 6; i++)
        {
            await host.Publisher.PublishAsync(new MessageFailed($"wamid-{i}", "conv-1", "131026", Hostile), tenantId: "tenant-a");
        }

        while (await host.Harness.AdvanceToNextDueAsync() is not null)
        {
        }

        Assert.True(probe.MaxPerUrl <= 2);
        Assert.Equal(6, host.Harness.Deliveries.Count(d => d.SubscriptionId == subscription.Id && d.Status == WebhookDeliveryStatus.Succeeded));
        // A burst of one second's worth (4), then one every quarter second on the clock, each delivered in one attempt.
        Assert.Equal([0, 0, 0, 0, 0.25, 0.5], host.Harness.Receiver.Requests.Select(r => (r.ReceivedAt - start).TotalSeconds).Order());
        Assert.All(host.Harness.Deliveries, d => Assert.Single(d.Attempts));
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Equal(Hostile, JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("error").GetString()));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Publisher.PublishAsync(Incoming(), tenantId: "tenant\n-a").AsTask());
        await Assert.ThrowsAsync<WebhookValidationException>(() => host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = "javascript:alert(1)", EventTypes = ["*"] }).AsTask());
        await Assert.ThrowsAsync<WebhookValidationException>(() => host.Subscriptions.CreateAsync("tenant-a", new WebhookSubscriptionRequest { Url = "https://ok.example/", EventTypes = ["message.*.*"] }).AsTask());
    }

    [Fact(DisplayName = WhatsCrmR7 + " (metrics for dashboards)")]
    public async Task Attempts_are_counted_by_outcome_for_dashboards()
    {
        await using var host = await StartAsync();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        var outcomes = new List<string>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "webhooks.attempts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string value && tag.Key.Contains("outcome", StringComparison.Ordinal))
                {
                    lock (outcomes)
                    {
                        outcomes.Add(value);
                    }
                }
            }
        });
        listener.Start();

        var subscription = await host.Harness.SubscribeAsync("tenant-a", "*");
        host.Harness.Receiver.RespondWith(500);
        await host.Publisher.PublishAsync(Incoming(), tenantId: "tenant-a");
        await host.Harness.AdvanceToNextDueAsync();
        await host.Harness.DeliveredToAsync(subscription.Id);

        await JossiedbAcceptanceTests.Eventually(() => { lock (outcomes) { return outcomes.Count == 2; } });
        Assert.Equal(2, outcomes.Distinct().Count());
    }

    [Fact(DisplayName = WhatsCrmR7 + " (alerts for high failure rates, before anything is dead-lettered)")]
    public async Task A_high_failure_rate_alerts_while_the_failing_deliveries_are_still_being_retried()
    {
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddWhatsCrmCatalog(),
            o =>
            {
                o.Monitoring.DegradedFailureRate = 0.5;
                o.Monitoring.FailureRateMinimumAttempts = 4;
                o.CircuitBreaker.Enabled = false;
            },
            afterHarness: (services, _) => services.AddHealthChecks().AddWebhooksHealthCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var subscription = await host.Harness.SubscribeAsync("tenant-a", "*");

        host.Harness.Receiver.DefaultStatusCode = 500;
        for (var i = 0; i < 4; i++)
        {
            await host.Publisher.PublishAsync(Incoming($"wamid-{i}"), tenantId: "tenant-a");
        }

        await Eventually(() => host.Harness.Receiver.Requests.Count == 4);
        await host.Harness.WaitForIdleAsync();
        var report = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal(1.0, (double)report.Entries["webhooks"].Data["failureRate"], precision: 6);
        Assert.Equal(0L, report.Entries["webhooks"].Data["deadLettered"]);
        Assert.All(host.Harness.Deliveries, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.Equal(subscription.Id, host.Harness.Deliveries.Select(d => d.SubscriptionId).Distinct().Single());
    }

    [Fact(DisplayName = WhatsCrmR7 + " (the failure rate counts sends, not deliveries dead-lettered unsent)")]
    public async Task Deliveries_dead_lettered_without_a_send_do_not_count_in_the_failure_rate()
    {
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddWhatsCrmCatalog(),
            o =>
            {
                o.EventTimeToLive = TimeSpan.FromMinutes(1);
                o.CircuitBreaker.Enabled = false;
                // The first retry falls due only after the time to live: see below.
                o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5));
            },
            afterHarness: (services, _) => services.AddHealthChecks().AddWebhooksHealthCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.Harness.SubscribeAsync("tenant-a", "*");

        host.Harness.Receiver.DefaultStatusCode = 500;
        for (var i = 0; i < 3; i++)
        {
            await host.Publisher.PublishAsync(Incoming($"wamid-{i}"), tenantId: "tenant-a");
        }

        await Eventually(() => host.Harness.Receiver.Requests.Count == 3);
        await host.Harness.WaitForIdleAsync();

        // The retries fall due after the events' time to live: dead-lettered unsent. They must not be due any earlier: the
        // clock does not jump in one step, it stops at every timer due on the way (the worker's poll after 1 s, the backlog
        // monitor's sample every 15 s) and the components those timers wake run on other threads. A worker that claimed at
        // one of those stops while this thread was descheduled (with the old 5 s retry, at T0 + 5 s to T0 + 1 min) found the
        // retries due and the events not yet expired, and sent them again: a fourth request, still pending (it failed so
        // once in thirty-odd runs, and fails every time when this thread is held up at the 15 s stop).
        host.Harness.Clock!.Advance(TimeSpan.FromMinutes(2));
        await host.Harness.WaitForIdleAsync();
        Assert.Equal(3, host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.DeadLettered));
        var data = (await health.CheckHealthAsync()).Entries["webhooks"].Data;

        Assert.Equal(3, host.Harness.Receiver.Requests.Count);
        Assert.Equal(3L, data["attempts"]);
        Assert.Equal(3L, data["failedAttempts"]);
    }

    [Fact(DisplayName = WhatsCrmR7 + " (alerts for high failure rates)")]
    public async Task High_failure_rates_alert()
    {
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddWhatsCrmCatalog(),
            o =>
            {
                o.Retry.UseSchedule(TimeSpan.Zero);
                o.Monitoring.DegradedDeadLetters = 1;
                o.Monitoring.UnhealthyDeadLetters = 3;
                // Alerts, not the breaker, are under test: with it on, the failing endpoint's later deliveries are held back.
                o.CircuitBreaker.Enabled = false;
            },
            afterHarness: (services, _) => services.AddHealthChecks().AddWebhooksHealthCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var subscription = await host.Harness.SubscribeAsync("tenant-a", "*");
        var stats = new WebhookStatsQuery { TenantId = "tenant-a", SubscriptionId = subscription.Id };

        await host.Publisher.PublishAsync(Incoming("wamid-ok"), tenantId: "tenant-a");
        await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        host.Harness.Receiver.DefaultStatusCode = 500;
        await host.Publisher.PublishAsync(Incoming("wamid-1"), tenantId: "tenant-a");
        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.DeadLettered) == 1);
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);

        await host.Publisher.PublishAsync(Incoming("wamid-2"), tenantId: "tenant-a");
        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.DeadLettered) == 2);
        await host.Publisher.PublishAsync(Incoming("wamid-3"), tenantId: "tenant-a");
        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.DeadLettered) == 3);
        var report = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(3L, report.Entries["webhooks"].Data["deadLettered"]);
        Assert.Equal(0.25, (await host.Operations.GetStatsAsync(stats)).SuccessRate);

        // The window passes: the alert clears.
        host.Harness.Clock!.Advance(new WebhookOptions().Monitoring.DeadLetterWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
    }

    [Fact(DisplayName = WhatsCrmR7 + " (regular log cleanup)")]
    public async Task The_delivery_log_is_cleaned_up_regularly()
    {
        await using var host = await StartAsync(o =>
        {
            o.Retry.UseSchedule(TimeSpan.Zero);
            o.Retention.Interval = TimeSpan.FromHours(6);
            o.Retention.SucceededTtl = TimeSpan.FromDays(7);
            o.Retention.FailedTtl = TimeSpan.FromDays(30);
        });
        var subscription = await host.Harness.SubscribeAsync("tenant-a", "*");
        var clock = host.Harness.Clock!;
        host.Harness.Receiver.RespondWith((request, _) => Task.FromResult(new HttpResponseMessage(
            request.BodyText.Contains("wamid-bad", StringComparison.Ordinal) ? System.Net.HttpStatusCode.InternalServerError : System.Net.HttpStatusCode.OK)));

        await host.Publisher.PublishAsync(Incoming("wamid-ok"), tenantId: "tenant-a");
        await host.Publisher.PublishAsync(Incoming("wamid-bad"), tenantId: "tenant-a");
        var ok = await host.Harness.DeliveredToAsync(subscription.Id);
        var bad = await host.Harness.DeadLetteredAsync(subscription.Id);

        // Succeeded entries go after 7 days, failed ones are kept for 30 days for investigation.
        clock.Advance(TimeSpan.FromDays(8));
        await Retention.PurgedAsync(clock, async () => await host.Operations.GetAsync("tenant-a", ok.DeliveryId) is null, TimeSpan.FromHours(6));
        Assert.NotNull(await host.Operations.GetAsync("tenant-a", bad.DeliveryId));
        clock.Advance(TimeSpan.FromDays(23));
        await Retention.PurgedAsync(clock, async () => await host.Operations.GetAsync("tenant-a", bad.DeliveryId) is null, TimeSpan.FromHours(6));
    }

    private static Task Eventually(Func<bool> condition) => JossiedbAcceptanceTests.Eventually(condition);
}
