using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Choreblimey.Webhooks.Tests.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// Each host's environment conventions, from an in-memory configuration (the process environment is never touched),
/// observed as real deliveries on a loopback receiver.
/// </summary>
public sealed class HostConventionTests : IAsyncLifetime
{
    private const string PlainSecret = "choreblimey-plain-shared-secret-42";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static IConfiguration Environment(params (string Key, string Value)[] variables) =>
        new ConfigurationBuilder().AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static Task<WebhookTestHost> StartHostAsync(IConfiguration environment, Action<IWebhooksBuilder>? configure = null) =>
        WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("chore:created", "Chores").AddEvent("item.low_stock", "Inventory");
            webhooks.AddEnvironmentConventions(environment);
            configure?.Invoke(webhooks);
        });

    [Fact]
    public async Task Choreblimey_url_and_plain_secret_deliver_every_event_with_the_choreblimey_signature()
    {
        var environment = Environment(
            ("WEBHOOK_ENABLED", "true"),
            ("WEBHOOK_URL", _receiver.Url("/choreblimey").ToString()),
            ("WEBHOOK_SECRET", PlainSecret),
            ("WEBHOOK_SIGNATURE_PROFILE", "choreblimey"));
        await using var host = await StartHostAsync(environment);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" });
        await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk" });
        // Choreblimey publishes per family; its one WEBHOOK_URL endpoint is host-level and receives every family's events.
        var familyReceipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: "family-7");

        await _receiver.WaitForCountAsync(3);
        Assert.Contains(_receiver.Received, r => r.WebhookId == familyReceipt.EventId);
        Assert.All(_receiver.Received, r => Assert.Equal("/choreblimey", r.Path));
        var request = _receiver.Received.Single(r => r.WebhookId == receipt.EventId);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(PlainSecret), request.Body));
        Assert.Equal(expected, request.Header("X-Choreblimey-Signature"));
        var stored = await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_env");
        Assert.NotNull(stored);
        Assert.Equal(["*"], stored.EventPatterns);
    }

    [Fact]
    public async Task Choreblimey_disabled_makes_publishing_a_no_op_that_says_so()
    {
        var environment = Environment(("WEBHOOK_ENABLED", "false"), ("WEBHOOK_URL", _receiver.Url().ToString()), ("WEBHOOK_SECRET", PlainSecret));
        await using var host = await StartHostAsync(environment);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" });
        var undeclared = await host.Publisher.PublishAsync("no.such.event", new { });

        Assert.Equal((WebhookPublishStatus.Disabled, 0, (string?)null), (receipt.Status, receipt.DeliveryCount, receipt.EventId));
        Assert.Equal(WebhookPublishStatus.Disabled, undeclared.Status);
        Assert.False(receipt.IsStored);
        Assert.Empty((await host.Subscriptions.ListAsync(null)).Items);
        Assert.Empty((await host.Subscriptions.ListAsync(WebhookTenants.All)).Items);
        // Nothing was stored, so the worker has nothing it could send.
        Assert.Empty((await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = WebhookTenants.Default })).Items);
        Assert.Empty(_receiver.Received);
    }

    /// <summary>
    /// A host whose clock is the harness's test clock: the worker waits for the test to move it, while deliveries still go
    /// over real HTTP to the loopback receiver.
    /// </summary>
    private static Task<WebhookTestHost> StartOnTestClockAsync(IConfiguration environment) =>
        WebhookTestHost.StartAsync(
            webhooks =>
            {
                webhooks.AddEvent("chore:created", "Chores").AddEvent("item.low_stock", "Inventory");
                webhooks.AddEnvironmentConventions(environment);
            },
            services => services.AddWebhooksTestHarness(o => o.InterceptHttp = false));

    private static IWebhookTestHarness HarnessOf(WebhookTestHost host) => host.Services.GetRequiredService<IWebhookTestHarness>();

    [Fact]
    public async Task Jossiedb_retries_with_exponential_backoff_then_dead_letters()
    {
        _receiver.Respond = (_, _) => Task.FromResult(500);
        var environment = Environment(
            ("WEBHOOK_URL", _receiver.Url().ToString()),
            ("WEBHOOK_SECRET", PlainSecret),
            ("WEBHOOK_SIGNATURE_PROFILE", "jossiedb"),
            ("WEBHOOK_MAX_RETRIES", "2"),
            ("WEBHOOK_RETRY_DELAY", "150"));
        await using var host = await StartOnTestClockAsync(environment);
        var harness = HarnessOf(host);
        var start = harness.Clock!.GetUtcNow();
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300)], options.Retry.Schedule);

        var receipt = await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk", Stock = 1 });

        // Each retry waits for the clock to reach it: 150 ms after the first attempt, then 300 ms after the second.
        await harness.WaitForIdleAsync();
        Assert.Single(_receiver.Received);
        Assert.Equal(start + TimeSpan.FromMilliseconds(150), await harness.AdvanceToNextDueAsync());
        await harness.WaitForIdleAsync();
        Assert.Equal(2, _receiver.Received.Count);
        Assert.Equal(start + TimeSpan.FromMilliseconds(450), await harness.AdvanceToNextDueAsync());
        Assert.Null(await harness.AdvanceToNextDueAsync());

        var delivery = await harness.DeadLetteredAsync(eventType: "item.low_stock", attempts: 3);
        Assert.Equal([start, start + TimeSpan.FromMilliseconds(150), start + TimeSpan.FromMilliseconds(450)], delivery.Attempts.Select(a => a.StartedAt));
        Assert.Equal(3, _receiver.Received.Count);
        Assert.All(_receiver.Received, r =>
        {
            Assert.Equal(delivery.SubscriptionId, r.Header("X-Webhook-ID"));
            Assert.Equal(receipt.EventId, r.Header("webhook-id"));
            Assert.Equal("item.low_stock", r.Header("X-Event-Type"));
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(PlainSecret), r.Body)), r.Header("X-Webhook-Signature"));
        });
    }

    [Fact]
    public async Task Jossiedb_timeout_in_milliseconds_bounds_each_attempt()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (context, _) =>
        {
            // Never answers: only the sender giving up ends the request.
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => aborted.TrySetResult(), TaskScheduler.Default);
            return 200;
        };
        var environment = Environment(("WEBHOOK_URL", _receiver.Url().ToString()), ("WEBHOOK_TIMEOUT", "300"), ("WEBHOOK_MAX_RETRIES", "0"));
        await using var host = await StartOnTestClockAsync(environment);
        var harness = HarnessOf(host);
        var start = harness.Clock!.GetUtcNow();

        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "slow" });
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The attempt's timeout runs on the host's clock: 300 ms of it, however long the test takes in real time.
        harness.Clock.Advance(TimeSpan.FromMilliseconds(300));

        var delivery = await harness.DeadLetteredAsync(eventType: "chore:created", attempts: 1);
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Equal(WebhookAttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Equal(TimeSpan.FromMilliseconds(300), attempt.Duration);
        Assert.Equal(start, attempt.StartedAt);
        Assert.Contains("within 0.3 s", attempt.Error, StringComparison.Ordinal);
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Jossiedb_event_ttl_sets_how_long_the_delivery_log_is_kept_and_never_cuts_retries_short()
    {
        _receiver.Respond = (_, _) => Task.FromResult(503);
        var environment = Environment(
            ("WEBHOOK_URL", _receiver.Url().ToString()),
            ("WEBHOOK_EVENT_TTL", "1"),
            ("WEBHOOK_MAX_RETRIES", "3"),
            ("WEBHOOK_RETRY_DELAY", "400"));
        await using var host = await StartOnTestClockAsync(environment);
        var harness = HarnessOf(host);
        var start = harness.Clock!.GetUtcNow();
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), (options.Retention.SucceededTtl, options.Retention.FailedTtl));
        Assert.Null(options.EventTimeToLive);

        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "slow" });

        // Every retry is sent, the last ones long after the 1 s: Jossiedb's TTL is the age of its event history, not a
        // deadline for delivery.
        Assert.Equal(start + TimeSpan.FromMilliseconds(400), await harness.AdvanceToNextDueAsync());
        Assert.Equal(start + TimeSpan.FromMilliseconds(1200), await harness.AdvanceToNextDueAsync());
        Assert.Equal(start + TimeSpan.FromMilliseconds(2800), await harness.AdvanceToNextDueAsync());

        var delivery = await harness.DeadLetteredAsync(eventType: "chore:created", attempts: 4);
        Assert.Equal(4, _receiver.Received.Count);
        Assert.All(delivery.Attempts, a => Assert.Equal(503, a.StatusCode));
    }

    [Fact]
    public async Task Jossiedbs_own_event_ttl_keeps_the_delivery_log_thirty_days()
    {
        await using var host = await StartOnTestClockAsync(Environment(("WEBHOOK_URL", _receiver.Url().ToString()), ("WEBHOOK_EVENT_TTL", "2592000")));

        var retention = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.Retention;

        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromDays(30)), (retention.SucceededTtl, retention.FailedTtl));
    }

    [Fact]
    public async Task Invalid_convention_values_fail_start_naming_the_variable()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await StartHostAsync(Environment(("WEBHOOK_TIMEOUT", "soon"))));
        Assert.Contains("WEBHOOK_TIMEOUT", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_delay_over_a_schedule_longer_than_any_may_be_fails_start_naming_both_settings()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await WebhookTestHost.StartAsync(webhooks => webhooks
                .AddEvent("chore:created", "Chores")
                .Configure(o => o.Retry.UseSchedule([.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 101)]))
                .AddEnvironmentConventions(Environment(("WEBHOOK_RETRY_DELAY", "100")))));

        var message = exception.ToString();
        Assert.Contains("WEBHOOK_RETRY_DELAY builds a retry schedule of the 101 attempts", message, StringComparison.Ordinal);
        Assert.Contains("WEBHOOK_MAX_RETRIES", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FourAs_routes_each_event_to_its_url_or_the_fallback_and_skips_unconfigured_routes()
    {
        var environment = Environment(
            ("MAKE_BOOKING_WEBHOOK_URL", _receiver.Url("/booking").ToString()),
            ("MAKE_RESCHEDULE_WEBHOOK_URL", _receiver.Url("/reschedule").ToString()));
        var logs = new CapturingLoggerProvider();
        await using var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddFourAsEvents().AddFourAsDestinations(environment),
            services => services.AddLogging(l => l.AddProvider(logs).AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)));
        var skipped = 0L;

        // Only this host's meter: a listener sees every meter in the process, and other tests' hosts (the 4AS table tests
        // skip booking.cancelled too) count on an instrument of the same name in parallel.
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "webhooks.routes.skipped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "event.type" && (string?)tag.Value == "booking.cancelled")
                {
                    Interlocked.Add(ref skipped, value);
                }
            }
        });
        listener.Start();

        var created = await host.Publisher.PublishAsync("booking.created", new { BookingId = "b1" });
        var rescheduled = await host.Publisher.PublishAsync("booking.rescheduled", new { BookingId = "b1" });
        var completed = await host.Publisher.PublishAsync("appointment.completed", new { BookingId = "b1" });

        // MAKE_CANCELLATION_WEBHOOK_URL has no fallback in 4AS's table: unset, booking.cancelled is skipped.
        var cancelled = await host.Publisher.PublishAsync("booking.cancelled", new { BookingId = "b1" });

        Assert.Equal((1, 1, 1), (created.DeliveryCount, rescheduled.DeliveryCount, completed.DeliveryCount));
        Assert.Equal((WebhookPublishStatus.Published, 0), (cancelled.Status, cancelled.DeliveryCount));
        Assert.Equal(1, Interlocked.Read(ref skipped));
        // Skipped quietly: one Debug entry naming the event and the unset variable, nothing at Warning or above.
        var skipLog = Assert.Single(logs.Entries, e => e.Contains("[100]", StringComparison.Ordinal));
        Assert.StartsWith("Debug ", skipLog, StringComparison.Ordinal);
        Assert.Contains("booking.cancelled", skipLog, StringComparison.Ordinal);
        Assert.Contains("MAKE_CANCELLATION_WEBHOOK_URL", skipLog, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Contains("booking.cancelled", StringComparison.Ordinal) && (e.StartsWith("Warning ", StringComparison.Ordinal) || e.StartsWith("Error ", StringComparison.Ordinal) || e.StartsWith("Critical ", StringComparison.Ordinal)));
        await _receiver.WaitForCountAsync(3);
        string PathOf(WebhookPublishReceipt receipt) => _receiver.Received.Single(r => r.WebhookId == receipt.EventId).Path;
        Assert.Equal(("/booking", "/reschedule", "/booking"), (PathOf(created), PathOf(rescheduled), PathOf(completed)));
        using var body = JsonDocument.Parse(_receiver.Received.Single(r => r.WebhookId == rescheduled.EventId).Body);
        Assert.Equal("booking.rescheduled", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(rescheduled.EventId, body.RootElement.GetProperty("event_id").GetString());
        Assert.Equal("b1", body.RootElement.GetProperty("payload").GetProperty("bookingId").GetString());
        Assert.NotNull(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_route_booking_rescheduled"));
    }
}
