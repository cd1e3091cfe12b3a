using System.Net;
using Choreblimey.Webhooks.Catalogs.Jossiedb;
using Microsoft.Extensions.DependencyInjection;
using static Choreblimey.Webhooks.Acceptance.Tests.HostData;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Jossiedb (inventory): each requirement of its host description, met through the public API.</summary>
public sealed class JossiedbAcceptanceTests
{
    private const string Owner = "user-7";

    private static Task<AcceptanceHost> StartAsync(Action<WebhookOptions>? options = null) =>
        AcceptanceHost.StartAsync(b => b.AddJossiedbCatalog(), options);

    private static LowStockAlert LowStock(string item = "item-1") => new(item, "loc-123", "cat-456", 2, 5);

    [Fact(DisplayName = JossiedbR1 + " (create, list, get, delete)")]
    public async Task Subscriptions_can_be_created_listed_read_and_deleted()
    {
        await using var host = await StartAsync();
        var created = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest { Url = "https://your-app.example/webhooks/inventory", EventTypes = ["low-stock-alert"] });

        Assert.Equal(created.Id, Assert.Single((await host.Subscriptions.ListAsync(Owner)).Items).Id);
        Assert.Equal(created.Url, (await host.Subscriptions.GetAsync(Owner, created.Id))!.Url);
        Assert.Null(await host.Subscriptions.GetAsync("user-8", created.Id));
        Assert.True(await host.Subscriptions.DeleteAsync(Owner, created.Id));
        Assert.Empty((await host.Subscriptions.ListAsync(Owner)).Items);
    }

    [Fact(DisplayName = JossiedbR1 + " (update)")]
    public async Task Subscriptions_can_be_updated()
    {
        await using var host = await StartAsync();
        var created = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest { Url = "https://old.example/hook", EventTypes = ["item-created"] });

        var updated = await host.Subscriptions.UpdateAsync(Owner, created.Id, new WebhookSubscriptionUpdate
        {
            Url = "https://your-app.example/webhooks/inventory",
            EventTypes = ["low-stock-alert"],
            Timeout = TimeSpan.FromSeconds(10),
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer new" },
        });

        Assert.Null(await host.Subscriptions.UpdateAsync("user-8", created.Id, new WebhookSubscriptionUpdate { Url = "https://evil.example/" }));
        var stored = await host.Subscriptions.GetAsync(Owner, created.Id);
        Assert.Equal(updated!.Url, stored!.Url);
        Assert.Equal(new Uri("https://your-app.example/webhooks/inventory"), stored.Url);
        Assert.Equal(["low-stock-alert"], stored.EventPatterns);
        Assert.Equal(TimeSpan.FromSeconds(10), stored.Timeout);

        // Routing follows the update: the old event type no longer goes out, the new one goes to the new URL with the new header.
        await host.Publisher.PublishAsync(new ItemCreated("item-1", "SKU-1", "loc-123", "cat-456", 10, 5), tenantId: Owner);
        await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        var delivered = await host.Harness.DeliveredToAsync(created.Id);
        Assert.Equal("low-stock-alert", delivered.EventType);
        await host.Harness.WaitForIdleAsync();
        var request = Assert.Single(host.Harness.Receiver.Requests);
        Assert.Equal("your-app.example", request.Url.Host);
        Assert.Equal("Bearer new", request.Header("Authorization"));
    }

    [Fact(DisplayName = JossiedbR2 + " (event list)")]
    public async Task A_subscription_receives_only_its_events()
    {
        await using var host = await StartAsync();
        var lowStock = await host.Harness.SubscribeAsync(Owner, "low-stock-alert");

        await host.Publisher.PublishAsync(new ItemCreated("item-1", "SKU-1", "loc-123", "cat-456", 10, 5), tenantId: Owner);
        await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);

        var delivery = await host.Harness.DeliveredToAsync(lowStock.Id);
        Assert.Equal("low-stock-alert", delivery.EventType);
        await host.Harness.WaitForIdleAsync();
        Assert.Single(host.Harness.Deliveries);
    }

    [Fact(DisplayName = JossiedbR2 + " (attribute filters)")]
    public async Task Attribute_filters_select_locations_categories_and_stock_threshold()
    {
        await using var host = await StartAsync();
        var subscription = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest
        {
            Url = "https://your-app.example/webhooks/inventory",
            EventTypes = ["low-stock-alert"],
            Filters =
            [
                new WebhookAttributeFilter("locationId", WebhookFilterOperator.In, ["loc-123", "loc-456"]),
                new WebhookAttributeFilter("categoryId", WebhookFilterOperator.Equals, ["cat-456"]),
                new WebhookAttributeFilter("quantity", WebhookFilterOperator.LessThanOrEqual, ["3"]),
            ],
        });

        async Task<WebhookPublishReceipt> Publish(string item, string location, string category, int quantity) =>
            await host.Publisher.PublishAsync(new LowStockAlert(item, location, category, quantity, 5), new WebhookPublishOptions
            {
                TenantId = Owner,
                Attributes = new Dictionary<string, string>
                {
                    ["locationId"] = location,
                    ["categoryId"] = category,
                    ["quantity"] = quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            });

        Assert.Equal(1, (await Publish("item-match", "loc-456", "cat-456", 2)).DeliveryCount);
        Assert.Equal(0, (await Publish("item-elsewhere", "loc-999", "cat-456", 2)).DeliveryCount);
        Assert.Equal(0, (await Publish("item-other-category", "loc-123", "cat-000", 2)).DeliveryCount);
        Assert.Equal(0, (await Publish("item-above-threshold", "loc-123", "cat-456", 4)).DeliveryCount);
        Assert.Equal(0, (await host.Publisher.PublishAsync(LowStock("item-no-attributes"), tenantId: Owner)).DeliveryCount);

        await host.Harness.DeliveredToAsync(subscription.Id);
        await host.Harness.WaitForIdleAsync();
        Assert.Contains("\"itemId\":\"item-match\"", Assert.Single(host.Harness.Receiver.Requests).BodyText, StringComparison.Ordinal);
    }

    [Fact(DisplayName = JossiedbR3)]
    public async Task Each_subscription_has_its_own_retry_policy_timeout_and_headers()
    {
        await using var host = await StartAsync();
        var subscription = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest
        {
            Url = "https://your-app.example/webhooks/inventory",
            EventTypes = ["*"],
            // Jossiedb's per-subscription maxRetries and retryDelay, at its defaults (3 and 5 s).
            RetrySchedule = WebhookRetrySchedules.Exponential(retries: 3, firstRetryDelay: TimeSpan.FromSeconds(5)),
            Timeout = TimeSpan.FromSeconds(5),
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer xyz" },
        });
        host.Harness.Receiver.DefaultStatusCode = 500;

        await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        await host.Harness.AdvanceToNextDueAsync();
        await host.Harness.AdvanceToNextDueAsync();
        await host.Harness.AdvanceToNextDueAsync();

        var dead = await host.Harness.DeadLetteredAsync(subscription.Id, attempts: 4);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(35)], dead.Attempts.Skip(1).Select(a => a.StartedAt - dead.Attempts[0].StartedAt));
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Equal("Bearer xyz", r.Header("Authorization")));
        Assert.Equal(TimeSpan.FromSeconds(5), (await host.Subscriptions.GetAsync(Owner, subscription.Id))!.Timeout);
    }

    [Fact(DisplayName = JossiedbR4 + " (request, response, errors, attempt counts)")]
    public async Task The_delivery_log_keeps_every_attempt()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Owner, "*");
        host.Harness.Receiver.RespondWith((request, _) => Task.FromResult(new HttpResponseMessage(request.AttemptNumber == 1 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK)
        {
            Content = new StringContent(request.AttemptNumber == 1 ? "database down" : "received"),
        }));

        var receipt = await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        await host.Harness.AdvanceToNextDueAsync();
        var delivered = await host.Harness.DeliveredToAsync(subscription.Id);

        var stored = await host.Store.GetDeliveryAsync(Owner, delivered.DeliveryId);
        Assert.Equal(2, stored!.AttemptCount);
        var attempts = await host.Store.GetAttemptsAsync(Owner, delivered.DeliveryId);
        Assert.Equal(["database down", "received"], attempts.Select(a => a.ResponseBody));
        Assert.NotNull(attempts[0].Error);
        var message = await host.Store.GetMessageAsync(Owner, receipt.EventId!);
        Assert.Contains("\"minQuantity\":5", System.Text.Encoding.UTF8.GetString(message!.Data.Span), StringComparison.Ordinal);
    }

    [Fact(DisplayName = JossiedbR4 + " (kept 30 days)")]
    public async Task The_delivery_log_is_kept_30_days()
    {
        await using var host = await StartAsync(o => o.Retention.Interval = TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromDays(30), new WebhookOptions().Retention.SucceededTtl);
        var subscription = await host.Harness.SubscribeAsync(Owner, "*");
        var clock = host.Harness.Clock!;

        await host.Publisher.PublishAsync(LowStock("item-old"), tenantId: Owner);
        var old = await host.Harness.DeliveredToAsync(subscription.Id);
        clock.Advance(TimeSpan.FromDays(2));
        await host.Publisher.PublishAsync(LowStock("item-recent"), tenantId: Owner);
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 2);
        var recent = host.Harness.Deliveries.Single(d => d.DeliveryId != old.DeliveryId);

        // 31 days after the first delivery (29 after the second), the hourly purge has run: only the older entry is gone.
        clock.Advance(TimeSpan.FromDays(29));
        await Retention.PurgedAsync(clock, async () => await host.Operations.GetAsync(Owner, old.DeliveryId) is null);
        var kept = await host.Operations.GetAsync(Owner, recent.DeliveryId);
        Assert.NotNull(kept);
        Assert.Single(kept.Attempts);
    }

    [Fact(DisplayName = JossiedbR5)]
    public async Task Statistics_per_subscription()
    {
        await using var host = await StartAsync(o => o.Retry.UseSchedule(TimeSpan.Zero));
        var subscription = await host.Harness.SubscribeAsync(Owner, "*");
        var other = await host.Harness.SubscribeAsync(Owner, "item-created");
        var clock = host.Harness.Clock!;
        var start = clock.GetUtcNow();
        host.Harness.Receiver.RespondWith((request, _) => Task.FromResult(new HttpResponseMessage(
            request.BodyText.Contains("item-broken", StringComparison.Ordinal) ? HttpStatusCode.InternalServerError : HttpStatusCode.OK)));

        await host.Publisher.PublishAsync(LowStock("item-1"), tenantId: Owner);
        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.Publisher.PublishAsync(LowStock("item-broken"), tenantId: Owner);
        await host.Harness.DeadLetteredAsync(subscription.Id);
        clock.Advance(TimeSpan.FromMinutes(1));
        await host.Publisher.PublishAsync(LowStock("item-3"), tenantId: Owner);
        await Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 2);

        var stats = await host.Operations.GetStatsAsync(new WebhookStatsQuery { TenantId = Owner, SubscriptionId = subscription.Id });
        Assert.Equal(3, stats.Total);
        Assert.Equal(2, stats.Succeeded);
        Assert.Equal(1, stats.Failed);
        Assert.Equal(2.0 / 3, stats.SuccessRate!.Value, precision: 6);
        Assert.Equal(start.AddMinutes(2), stats.LastSuccessAt);
        Assert.Equal(start.AddMinutes(1), stats.LastFailureAt);
        var none = await host.Operations.GetStatsAsync(new WebhookStatsQuery { TenantId = Owner, SubscriptionId = other.Id });
        Assert.Equal(0, none.Total);
        Assert.Null(none.SuccessRate);
        Assert.Equal(0, (await host.Operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "user-8", SubscriptionId = subscription.Id })).Total);
    }

    [Fact(DisplayName = JossiedbR6 + " (list failed, retry one)")]
    public async Task Failed_events_can_be_listed_and_retried()
    {
        await using var host = await StartAsync(o => o.Retry.UseSchedule(TimeSpan.Zero));
        var subscription = await host.Harness.SubscribeAsync(Owner, "*");
        host.Harness.Receiver.RespondWith(500);

        await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        var dead = await host.Harness.DeadLetteredAsync(subscription.Id, attempts: 1);

        var failed = await host.Operations.QueryAsync(new WebhookDeliveryQuery { TenantId = Owner, SubscriptionId = subscription.Id, Status = WebhookDeliveryStatus.DeadLettered });
        Assert.Equal(dead.DeliveryId, Assert.Single(failed.Items).Id);
        Assert.False(await host.Operations.RetryAsync("user-8", dead.DeliveryId));
        host.Harness.Receiver.RespondWith(200);
        Assert.True(await host.Operations.RetryAsync(Owner, dead.DeliveryId));
        var delivered = await host.Harness.DeliveredToAsync(subscription.Id);
        Assert.Equal([500, 200], delivered.Attempts.Select(a => a.StatusCode ?? 0));
    }

    [Fact(DisplayName = JossiedbR6 + " (send a test event)")]
    public async Task A_test_event_can_be_sent_to_a_subscription()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Owner, "low-stock-alert");

        var ok = await host.Operations.SendTestAsync(Owner, subscription.Id);
        host.Harness.Receiver.RespondWith(503);
        var failing = await host.Operations.SendTestAsync(Owner, subscription.Id);

        Assert.True(ok.Succeeded);
        Assert.Equal(200, ok.StatusCode);
        Assert.False(failing.Succeeded);
        Assert.Equal(503, failing.StatusCode);
        Assert.Equal(2, host.Harness.Receiver.Requests.Count);
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Equal(subscription.Url, r.Url));
        Assert.All(host.Harness.Receiver.Requests, r => Assert.True(r.Verify(subscription.Secrets[0].Secret, host.Harness.Clock).IsValid));
        Assert.Equal(WebhookOperationalEvents.Test, host.Harness.Receiver.Requests[0].EventType);
        // A test send is not an event of the host: statistics leave it out.
        Assert.Equal(0, (await host.Operations.GetStatsAsync(new WebhookStatsQuery { TenantId = Owner, SubscriptionId = subscription.Id })).Total);
    }

    [Fact(DisplayName = JossiedbR7 + " (timeout)")]
    public async Task A_hanging_endpoint_times_out_and_does_not_hold_up_the_host_or_other_endpoints()
    {
        await using var host = await StartAsync(o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        var bad = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest { Url = "https://hangs.example/hook", EventTypes = ["*"], Timeout = TimeSpan.FromSeconds(5) });
        var good = await host.Harness.SubscribeAsync(Owner, "*");
        host.Harness.Receiver.RespondWith(async (request, token) =>
        {
            if (request.Url.Host == "hangs.example")
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        var receipt = await host.Publisher.PublishAsync(LowStock(), tenantId: Owner).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, receipt.DeliveryCount);
        await host.Harness.DeliveredToAsync(good.Id);

        // The hanging request's timeout is armed before it is sent: once the receiver has it, moving the clock fires it.
        await Eventually(() => host.Harness.Receiver.Requests.Any(r => r.Url.Host == "hangs.example"));
        host.Harness.Clock!.Advance(TimeSpan.FromSeconds(5));
        await Eventually(() => host.Harness.Deliveries.Single(d => d.SubscriptionId == bad.Id).Attempts.Count == 1);
        Assert.Equal(WebhookAttemptOutcome.TimedOut, host.Harness.Deliveries.Single(d => d.SubscriptionId == bad.Id).Attempts[0].Outcome);
    }

    [Fact(DisplayName = JossiedbR7 + " (circuit breaker)")]
    public async Task A_failing_endpoint_is_rested_by_the_circuit_breaker_while_other_endpoints_are_served()
    {
        // The default breaker: 10 attempts within 30 s, half of them failed, open the circuit for 30 s. The endpoint's
        // concurrency is raised so that every retry below finds a hold place: on a loaded machine the retries processed at
        // once can outnumber the default hold limit (twice the default 4), and one handed back for that is due again after
        // the poll interval, which this stepped clock never reaches.
        await using var host = await StartAsync(o => o.MaxConcurrentDeliveriesPerEndpoint = 16);
        var defaults = new WebhookOptions().CircuitBreaker;
        var bad = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest { Url = "https://down.example/hook", EventTypes = ["*"] });
        var good = await host.Harness.SubscribeAsync(Owner, "*");
        var down = true;
        host.Harness.Receiver.RespondWith(request => request.Url.Host == "down.example" && Volatile.Read(ref down) ? 503 : 200);
        var clock = host.Harness.Clock!;
        var opened = clock.GetUtcNow();
        int RequestsToBad() => host.Harness.Receiver.Requests.Count(r => r.Url.Host == "down.example");
        async Task<IReadOnlyList<WebhookDelivery>> BadDeliveries() =>
            (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Owner, SubscriptionId = bad.Id })).Items;

        for (var i = 1; i <= defaults.MinimumThroughput; i++)
        {
            await host.Publisher.PublishAsync(LowStock($"item-{i}"), tenantId: Owner);
            await Eventually(() => RequestsToBad() == i);
        }

        // The breaker counts an outcome once the response is in, after the receiver has seen the request: wait until every
        // failure is recorded (which follows its count), or the next event could still find the circuit closed.
        await Eventually(async () => (await BadDeliveries()).Count(d => d.AttemptCount == 1 && d.LeaseOwner is null) == defaults.MinimumThroughput);

        // Open: the next event is not sent to the failing endpoint; its delivery waits for the break, with no attempt counted.
        var rested = await host.Publisher.PublishAsync(LowStock("item-rested"), tenantId: Owner);
        await Eventually(async () => (await BadDeliveries()).Any(d => d.MessageId == rested.EventId && d.LeaseOwner is null && d.NextAttemptAt == opened + defaults.BreakDuration));
        var postponed = (await BadDeliveries()).Single(d => d.MessageId == rested.EventId);
        Assert.Equal(0, postponed.AttemptCount);
        Assert.Empty(await host.Store.GetAttemptsAsync(Owner, postponed.Id));

        // Retries falling due during the break are postponed too, their attempt counts unchanged. The clock moves only once
        // every failed attempt is recorded: a retry's due time is counted from when its attempt is recorded.
        await Eventually(async () => (await BadDeliveries()).Count(d => d.MessageId != rested.EventId && d.AttemptCount == 1 && d.LeaseOwner is null) == defaults.MinimumThroughput);
        clock.Advance(TimeSpan.FromSeconds(5));
        await Eventually(async () => (await BadDeliveries()).All(d => d.LeaseOwner is null && d.NextAttemptAt == opened + defaults.BreakDuration));
        Assert.Equal(defaults.MinimumThroughput, RequestsToBad());
        Assert.All((await BadDeliveries()).Where(d => d.MessageId != rested.EventId), d => Assert.Equal(1, d.AttemptCount));

        // The other endpoint was served all along.
        await Eventually(() => host.Harness.Deliveries.Count(d => d.SubscriptionId == good.Id && d.Status == WebhookDeliveryStatus.Succeeded) == defaults.MinimumThroughput + 1);

        // The endpoint recovers: after the break it is tried again and every delivery goes through.
        Volatile.Write(ref down, false);
        for (var step = 0; step < 10 && (await BadDeliveries()).Any(d => d.Status != WebhookDeliveryStatus.Succeeded); step++)
        {
            await host.Harness.AdvanceToNextDueAsync();
            await host.Harness.WaitForIdleAsync();
        }

        Assert.All(await BadDeliveries(), d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        var sent = Assert.Single(await host.Store.GetAttemptsAsync(Owner, postponed.Id));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, sent.Outcome);
        Assert.True(sent.StartedAt >= opened + defaults.BreakDuration, $"The rested delivery was sent at {sent.StartedAt:O}, before the break ended.");
    }

    [Fact(DisplayName = "signature X-Webhook-Signature (hex HMAC of the body) with X-Webhook-ID and X-Event-Type")]
    public async Task Deliveries_carry_the_Jossiedb_signature_headers()
    {
        const string Secret = "jossiedb-shared-secret-0123456789";
        await using var host = await StartAsync();
        var subscription = await host.Subscriptions.CreateAsync(Owner, new WebhookSubscriptionRequest
        {
            Url = "https://your-app.example/webhooks/inventory",
            EventTypes = ["*"],
            Secret = Secret,
            SignatureProfile = WebhookSignatureProfile.JossiedbName,
        });

        var receipt = await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        await host.Harness.DeliveredToAsync(subscription.Id);

        var request = Assert.Single(host.Harness.Receiver.Requests);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Secret), request.Body.Span));
        Assert.Equal(expected, request.Header("X-Webhook-Signature")!.ToLowerInvariant());
        // A Jossiedb "webhook" is the registered endpoint: X-Webhook-ID names it; the event id (for de-duplication) is webhook-id.
        Assert.Equal(subscription.Id, request.Header("X-Webhook-ID"));
        Assert.Equal(receipt.EventId, request.Header("webhook-id"));
        Assert.Equal("low-stock-alert", request.Header("X-Event-Type"));
        Assert.True(new WebhookVerifier().Verify(WebhookSignatureProfile.Jossiedb, request.Body.Span, request.Header, [WebhookSecret.Parse(Secret)]).IsValid);
        Assert.False(new WebhookVerifier().Verify(WebhookSignatureProfile.Jossiedb, request.Body.Span, request.Header, [WebhookSecret.Generate()]).IsValid);
    }

    [Fact(DisplayName = JossiedbR3 + " (WEBHOOK_MAX_RETRIES, WEBHOOK_RETRY_DELAY, WEBHOOK_TIMEOUT)")]
    public async Task The_Jossiedb_environment_variables_set_retries_backoff_and_timeout()
    {
        await using var host = await AcceptanceHost.StartAsync(
            b => b.AddJossiedbCatalog(),
            configuration: new Dictionary<string, string?>
            {
                [WebhookEnvironmentVariables.MaxRetries] = "3",
                [WebhookEnvironmentVariables.RetryDelay] = "5000",
                [WebhookEnvironmentVariables.Timeout] = "5000",
            },
            routing: (b, configuration) => b.AddEnvironmentConventions(configuration));
        var subscription = await host.Harness.SubscribeAsync(Owner, "*");
        host.Harness.Receiver.DefaultStatusCode = 500;

        await host.Publisher.PublishAsync(LowStock(), tenantId: Owner);
        for (var i = 0; i < 3; i++)
        {
            await host.Harness.AdvanceToNextDueAsync();
        }

        var dead = await host.Harness.DeadLetteredAsync(subscription.Id, attempts: 4);
        var starts = dead.Attempts.Select(a => a.StartedAt).ToArray();
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)], [starts[1] - starts[0], starts[2] - starts[1], starts[3] - starts[2]]);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.AttemptTimeout);
    }

    // Real time bounds only how long a failing test takes: the full suite runs its projects side by side on two cores, where
    // ten seconds proved too short for the worker to catch up once.
    internal static readonly TimeSpan EventuallyTimeout = TimeSpan.FromSeconds(30);

    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        using var cts = new CancellationTokenSource(EventuallyTimeout);
        while (!await condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(EventuallyTimeout);
        while (!condition())
        {
            await Task.Delay(5, cts.Token);
        }
    }
}
