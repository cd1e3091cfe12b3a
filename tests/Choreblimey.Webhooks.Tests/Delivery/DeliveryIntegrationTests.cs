using System.Net;
using System.Text.Json;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Choreblimey.Webhooks.Tests.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>End to end: publish → in-memory store → worker → typed HttpClient → a real Kestrel receiver on 127.0.0.1.</summary>
public sealed class DeliveryIntegrationTests : IAsyncLifetime
{
    private const string Family = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static Task<WebhookTestHost> StartHostAsync(Action<WebhookOptions>? configure = null) =>
        WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("chore:created", "Chores", "A chore was created.");
            webhooks.AddEvent("chore:updated", "Chores");
            if (configure is not null)
            {
                webhooks.Configure(configure);
            }
        });

    private async Task<WebhookSubscription> SubscribeAsync(WebhookTestHost host, string path = "/hooks", string tenant = Family) =>
        await host.Subscriptions.CreateAsync(tenant, new WebhookSubscriptionRequest { Url = _receiver.Url(path).ToString(), EventTypes = ["chore:*"] });

    [Theory]
    [InlineData(false, 1)] // the default handler lifetime (infinite): one client for the worker's life
    [InlineData(true, 5)] // a host's own handler lifetime: a client per attempt, so the factory's rotation reaches the worker
    public async Task The_worker_keeps_its_typed_client_unless_the_host_set_a_handler_lifetime(bool hostLifetime, int expectedClients)
    {
        var clientsCreated = 0;
        await using var host = await WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("chore:created", "Chores");
            webhooks.ConfigureHttpClient(client =>
            {
                client.ConfigureHttpClient(_ => Interlocked.Increment(ref clientsCreated));
                if (hostLifetime)
                {
                    client.SetHandlerLifetime(TimeSpan.FromMinutes(5));
                }
            });
        });
        await SubscribeAsync(host);

        for (var i = 0; i < 5; i++)
        {
            var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = $"c{i}" }, tenantId: Family);
            await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        }

        Assert.Equal(5, _receiver.Received.Count);
        Assert.Equal(expectedClients, Volatile.Read(ref clientsCreated));
    }

    [Fact]
    public async Task A_handler_that_changes_one_requests_content_type_leaves_the_next_request_alone()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .ConfigureHttpClient(client => client.AddHttpMessageHandler(() => new FirstRequestCharsetChanger())));
        await SubscribeAsync(host);

        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Family);
        await _receiver.WaitForCountAsync(1);
        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: Family);
        await _receiver.WaitForCountAsync(2);

        Assert.Equal(["application/json; charset=latin1", "application/json; charset=utf-8"], _receiver.Received.Select(r => r.Header("content-type")));
    }

    /// <summary>A host's handler that edits the first request's content type in place, as a host's handler may.</summary>
    private sealed class FirstRequestCharsetChanger : DelegatingHandler
    {
        private int _seen;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _seen) == 1)
            {
                request.Content!.Headers.ContentType!.CharSet = "latin1";
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Delivers_the_envelope_with_a_signature_the_verifier_accepts()
    {
        await using var host = await StartHostAsync();
        var subscription = await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1", Title = "Feed the cat" }, tenantId: Family, actor: "parent-7");

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(1, receipt.DeliveryCount);
        await _receiver.WaitForCountAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal(receipt.EventId, request.WebhookId);
        Assert.Equal("application/json; charset=utf-8", request.Header("content-type"));

        var verification = new WebhookVerifier().Verify(
            request.Body, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"),
            subscription.Secrets[0].Secret);
        Assert.True(verification.IsValid, verification.Message);

        using var document = JsonDocument.Parse(request.Body);
        var root = document.RootElement;
        Assert.Equal(receipt.EventId, root.GetProperty("id").GetString());
        Assert.Equal("chore:created", root.GetProperty("type").GetString());
        Assert.Equal(Family, root.GetProperty("tenant").GetString());
        Assert.Equal("parent-7", root.GetProperty("actor").GetString());
        Assert.Equal("c1", root.GetProperty("data").GetProperty("choreId").GetString());
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Family, delivery.Id));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task Retries_after_a_500_then_delivers_with_the_same_webhook_id()
    {
        _receiver.Respond = (_, seen) => Task.FromResult(seen == 1 ? 500 : 200);
        await using var host = await StartHostAsync();
        await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: Family);

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(2, delivery.AttemptCount);
        var attempts = await host.Store.GetAttemptsAsync(Family, delivery.Id);
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(WebhookAttemptOutcome.HttpError, attempts[0].Outcome);
        Assert.All(_receiver.Received, r => Assert.Equal(receipt.EventId, r.WebhookId));
        Assert.Single(_receiver.Received.Select(r => r.BodyText).Distinct());
    }

    [Fact]
    public async Task Dead_letters_after_the_configured_attempts_when_the_receiver_always_fails()
    {
        _receiver.Respond = (context, _) =>
        {
            context.Response.ContentType = "text/plain";
            return Task.FromResult(500);
        };
        await using var host = await StartHostAsync();
        await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c3" }, tenantId: Family);

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal(500, delivery.LastStatusCode);
        Assert.Equal(3, (await host.Store.GetAttemptsAsync(Family, delivery.Id)).Count);
        Assert.Equal(3, _receiver.Received.Count);
    }

    [Fact]
    public async Task A_410_disables_the_subscription()
    {
        _receiver.Respond = (_, _) => Task.FromResult(410);
        await using var host = await StartHostAsync();
        var subscription = await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c4" }, tenantId: Family);

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        Assert.Equal(1, delivery.AttemptCount);
        await host.WaitForSubscriptionStateAsync(Family, subscription.Id, WebhookSubscriptionState.Disabled, "the subscription to be disabled");
        var disabled = await host.Subscriptions.GetAsync(Family, subscription.Id);
        Assert.Contains("410", disabled!.DisabledReason, StringComparison.Ordinal);

        // Later events are kept for the disabled subscription (held pending, replayable once it is enabled), not sent.
        var next = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c5" }, tenantId: Family);
        Assert.Equal(1, next.DeliveryCount);
        // The worker picks it up, sees the subscription disabled and parks it until the recheck interval, without sending.
        WebhookDelivery? held = null;
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            held = Assert.Single((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = next.EventId })).Items);
            return held.NextAttemptAt > DateTimeOffset.UtcNow.AddMinutes(1);
        }, "the worker to hold the delivery of the disabled subscription");
        Assert.Equal(WebhookDeliveryStatus.Pending, held!.Status);
        Assert.Equal(0, held.AttemptCount);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failure()
    {
        _receiver.Respond = (context, _) =>
        {
            if (context.Request.Path == "/moved")
            {
                return Task.FromResult(200);
            }

            context.Response.Headers.Location = new Uri(_receiver.BaseAddress, "/moved").ToString();
            return Task.FromResult(301);
        };
        await using var host = await StartHostAsync(o => o.Retry.UseSchedule(TimeSpan.Zero));
        await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c6" }, tenantId: Family);

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Family, delivery.Id));
        Assert.Equal(301, attempt.StatusCode);
        Assert.Contains("redirects are not followed", attempt.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_receiver.Received, r => r.Path == "/moved");
    }

    [Fact]
    public async Task A_slow_receiver_times_out_and_the_timeout_is_recorded()
    {
        var release = new TaskCompletionSource();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (context, _) =>
        {
            arrived.TrySetResult();
            await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return 200;
        };

        // The attempt's timeout runs on the host's clock: stepped once the request is in, so the test never waits it out.
        var clock = new WebhookTestClock();
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores").Configure(o =>
            {
                o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
                o.Retry.UseSchedule(TimeSpan.Zero);
            }),
            services => services.AddSingleton<TimeProvider>(clock));
        await SubscribeAsync(host);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c7" }, tenantId: Family);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        clock.Advance(TimeSpan.FromMilliseconds(300));

        var delivery = await host.WaitForDeliveryStatusAsync(Family, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        release.TrySetResult();
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync(Family, delivery.Id));
        Assert.Equal(WebhookAttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Null(attempt.StatusCode);
        Assert.Contains("did not answer within 0.3 s", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_completes_while_the_receiver_hangs_and_while_it_is_down()
    {
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hang = new TaskCompletionSource<int>();
        _receiver.Respond = (_, _) =>
        {
            hanging.TrySetResult();
            return hang.Task;
        };
        await using var host = await StartHostAsync(o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        var hangingSubscription = await SubscribeAsync(host, "/hanging");
        // A port nobody listens on: connection refused.
        var closedPort = System.Net.Sockets.TcpListener.Create(0);
        closedPort.Start();
        var downUrl = $"http://127.0.0.1:{((System.Net.IPEndPoint)closedPort.LocalEndpoint).Port}/down";
        closedPort.Stop();
        var down = await host.Subscriptions.CreateAsync(Family, new WebhookSubscriptionRequest { Url = downUrl, EventTypes = ["*"] });

        // The first event's attempt to the hanging receiver is in flight (and stays so) while the next ones are published.
        // (The bounds only turn a publish that waits for HTTP into a failure instead of a hung test.)
        var first = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c8" }, tenantId: Family).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await hanging.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var second = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c9" }, tenantId: Family).AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(WebhookPublishStatus.Published, second.Status);
        Assert.Equal(2, second.DeliveryCount);
        var stored = (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = second.EventId })).Items;
        Assert.Equal(new[] { down.Id, hangingSubscription.Id }.Order(StringComparer.Ordinal), stored.Select(d => d.SubscriptionId).Order(StringComparer.Ordinal));
        WebhookDelivery? refused = null;
        await WebhookTestHost.EventuallyAsync(async () =>
        {
            var page = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = first.EventId, SubscriptionId = down.Id });
            refused = page.Items.SingleOrDefault();
            return refused is { AttemptCount: > 0 };
        }, "a connection failure to be recorded for the down receiver");
        var attempt = (await host.Store.GetAttemptsAsync(Family, refused!.Id))[0];
        Assert.Equal(WebhookAttemptOutcome.NetworkError, attempt.Outcome);
        Assert.Contains("ConnectionError", attempt.Error, StringComparison.Ordinal);
        var inFlight = (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = first.EventId, SubscriptionId = hangingSubscription.Id })).Items.Single();
        Assert.Equal(0, inFlight.AttemptCount);
        hang.TrySetResult(200);
    }

    [Fact]
    public async Task Only_the_publishing_tenants_subscriptions_receive_the_event()
    {
        await using var host = await StartHostAsync();
        await SubscribeAsync(host, "/family-1", Family);
        await SubscribeAsync(host, "/family-2", "family-2");

        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c9" }, tenantId: "family-2");

        await _receiver.WaitForCountAsync(1);
        var request = Assert.Single(_receiver.Received);
        Assert.Equal("/family-2", request.Path);
    }

    [Fact]
    public async Task Never_more_than_MaxConcurrentDeliveries_attempts_are_in_flight_across_subscriptions()
    {
        const int Cap = 2;
        var inFlight = 0;
        var finished = 0;
        var highest = 0;
        using var gate = new SemaphoreSlim(0);
        _receiver.Respond = async (_, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            for (var seen = Volatile.Read(ref highest); now > seen; seen = Volatile.Read(ref highest))
            {
                Interlocked.CompareExchange(ref highest, now, seen);
            }

            await gate.WaitAsync();
            Interlocked.Decrement(ref inFlight);
            Interlocked.Increment(ref finished);
            return 200;
        };
        // Each subscription alone could take four slots; only the global cap keeps the total at two.
        await using var host = await StartHostAsync(o =>
        {
            o.MaxConcurrentDeliveries = Cap;
            o.MaxConcurrentDeliveriesPerEndpoint = 4;
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
        });
        foreach (var path in new[] { "/a", "/b", "/c" })
        {
            await SubscribeAsync(host, path);
        }

        var receipts = new List<WebhookPublishReceipt>();
        for (var i = 0; i < 3; i++)
        {
            receipts.Add(await host.Publisher.PublishAsync("chore:created", new { ChoreId = $"c{i}" }, tenantId: Family));
        }

        // Answer one request at a time, each time the worker has as many in flight as the cap allows for what is left.
        const int Total = 9;
        for (var answered = 0; answered < Total; answered++)
        {
            var expected = Math.Min(Cap, Total - answered);
            var done = answered;
            await WebhookTestHost.EventuallyAsync(
                () => Task.FromResult(Volatile.Read(ref finished) == done && Volatile.Read(ref inFlight) == expected),
                $"exactly {expected} attempts in flight after {done} answered");
            gate.Release();
        }

        foreach (var receipt in receipts)
        {
            await WebhookTestHost.EventuallyAsync(async () =>
            {
                var page = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Family, MessageId = receipt.EventId });
                return page.Items.Count == 3 && page.Items.All(d => d.Status == WebhookDeliveryStatus.Succeeded);
            }, $"every delivery of {receipt.EventId} to succeed");
        }

        Assert.Equal(Cap, Volatile.Read(ref highest));
        Assert.Equal(Total, _receiver.Received.Count);
    }

    [Fact]
    public async Task Attempts_blocked_by_the_address_guard_count_toward_the_failure_streak_that_disables_a_subscription()
    {
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks
                .AddEvent("chore:created", "Chores")
                .Configure(o =>
                {
                    o.Security.AllowHttp = true;
                    o.Health.DisableAfterConsecutiveFailures = 2;
                    o.Health.DisableAfterFailingFor = TimeSpan.Zero;
                })
                // A name, so the subscription is accepted and the guard refuses it at connect time.
                .ResolveHost("hooks.partner.example", IPAddress.Loopback),
            allowLoopback: false);
        var subscription = await host.Subscriptions.CreateAsync(
            Family,
            new WebhookSubscriptionRequest { Url = $"http://hooks.partner.example:{_receiver.BaseAddress.Port}/hooks", EventTypes = ["chore:*"] });

        var first = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Family);
        var blocked = await host.WaitForDeliveryStatusAsync(Family, first.EventId!, WebhookDeliveryStatus.DeadLettered);
        Assert.Equal(WebhookAttemptOutcome.Blocked, Assert.Single(await host.Store.GetAttemptsAsync(Family, blocked.Id)).Outcome);
        Assert.Equal(WebhookSubscriptionState.Active, (await host.Subscriptions.GetAsync(Family, subscription.Id))!.State);

        var second = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: Family);
        await host.WaitForDeliveryStatusAsync(Family, second.EventId!, WebhookDeliveryStatus.DeadLettered);
        await WebhookTestHost.EventuallyAsync(
            async () => (await host.Subscriptions.GetAsync(Family, subscription.Id))!.State == WebhookSubscriptionState.Disabled,
            "the second blocked attempt in a row to disable the subscription");

        var disabled = await host.Subscriptions.GetAsync(Family, subscription.Id);
        Assert.StartsWith("2 consecutive failed attempts", disabled!.DisabledReason, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }
}
