using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        await using var host = await StartHostAsync(environment);
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300)], options.Retry.Schedule);

        var receipt = await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk", Stock = 1 });

        var delivery = await host.WaitForDeliveryStatusAsync("", receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        Assert.Equal(3, delivery.AttemptCount);
        var times = _receiver.Received.Select(r => r.ReceivedAt).Order().ToList();
        Assert.Equal(3, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(120), $"first retry after {(times[1] - times[0]).TotalMilliseconds} ms");
        Assert.True(times[2] - times[1] >= TimeSpan.FromMilliseconds(250), $"second retry after {(times[2] - times[1]).TotalMilliseconds} ms");
        Assert.All(_receiver.Received, r =>
        {
            Assert.Equal(receipt.EventId, r.Header("X-Webhook-ID"));
            Assert.Equal("item.low_stock", r.Header("X-Event-Type"));
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(PlainSecret), r.Body)), r.Header("X-Webhook-Signature"));
        });
    }

    [Fact]
    public async Task Jossiedb_timeout_in_milliseconds_bounds_each_attempt()
    {
        var release = new TaskCompletionSource();
        _receiver.Respond = async (context, _) =>
        {
            await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            return 200;
        };
        var environment = Environment(("WEBHOOK_URL", _receiver.Url().ToString()), ("WEBHOOK_TIMEOUT", "300"), ("WEBHOOK_MAX_RETRIES", "0"));
        await using var host = await StartHostAsync(environment);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "slow" });

        var delivery = await host.WaitForDeliveryStatusAsync("", receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        release.TrySetResult();
        var attempt = Assert.Single(await host.Store.GetAttemptsAsync("", delivery.Id));
        Assert.Equal(WebhookAttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Contains("within 0.3 s", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jossiedb_event_ttl_dead_letters_a_delivery_that_is_too_old_instead_of_sending_it()
    {
        _receiver.Respond = (_, _) => Task.FromResult(503);
        var environment = Environment(
            ("WEBHOOK_URL", _receiver.Url().ToString()),
            ("WEBHOOK_EVENT_TTL", "1"),
            ("WEBHOOK_MAX_RETRIES", "3"),
            ("WEBHOOK_RETRY_DELAY", "1500"));
        await using var host = await StartHostAsync(environment);
        Assert.Equal(TimeSpan.FromSeconds(1), host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.EventTimeToLive);

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "stale" });

        var delivery = await host.WaitForDeliveryStatusAsync("", receipt.EventId!, WebhookDeliveryStatus.DeadLettered);
        Assert.Single(_receiver.Received);
        var attempts = await host.Store.GetAttemptsAsync("", delivery.Id);
        Assert.Equal(2, attempts.Count);
        Assert.Equal(WebhookAttemptOutcome.Blocked, attempts[^1].Outcome);
        Assert.StartsWith("Expired", attempts[^1].Error, StringComparison.Ordinal);
        Assert.Contains("EventTimeToLive", attempts[^1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_convention_values_fail_start_naming_the_variable()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await StartHostAsync(Environment(("WEBHOOK_TIMEOUT", "soon"))));
        Assert.Contains("WEBHOOK_TIMEOUT", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FourAs_routes_each_event_to_its_url_or_the_fallback_and_skips_unconfigured_routes()
    {
        var environment = Environment(
            ("MAKE_BOOKING_WEBHOOK_URL", _receiver.Url("/booking").ToString()),
            ("MAKE_RESCHEDULE_WEBHOOK_URL", _receiver.Url("/reschedule").ToString()));
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddFourAsEvents().AddFourAsDestinations(environment));
        var skipped = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "webhooks.routes.skipped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "event.type" && (string?)tag.Value == "payment.received")
                {
                    Interlocked.Add(ref skipped, value);
                }
            }
        });
        listener.Start();

        var created = await host.Publisher.PublishAsync("booking.created", new { BookingId = "b1" });
        var rescheduled = await host.Publisher.PublishAsync("booking.rescheduled", new { BookingId = "b1" });
        var cancelled = await host.Publisher.PublishAsync("booking.cancelled", new { BookingId = "b1" });
        var payment = await host.Publisher.PublishAsync("payment.received", new { BookingId = "b1" });

        Assert.Equal((1, 1, 1), (created.DeliveryCount, rescheduled.DeliveryCount, cancelled.DeliveryCount));
        Assert.Equal((WebhookPublishStatus.Published, 0), (payment.Status, payment.DeliveryCount));
        Assert.Equal(1, Interlocked.Read(ref skipped));
        await _receiver.WaitForCountAsync(3);
        string PathOf(WebhookPublishReceipt receipt) => _receiver.Received.Single(r => r.WebhookId == receipt.EventId).Path;
        Assert.Equal(("/booking", "/reschedule", "/booking"), (PathOf(created), PathOf(rescheduled), PathOf(cancelled)));
        using var body = JsonDocument.Parse(_receiver.Received.Single(r => r.WebhookId == rescheduled.EventId).Body);
        Assert.Equal("booking.rescheduled", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(rescheduled.EventId, body.RootElement.GetProperty("event_id").GetString());
        Assert.Equal("b1", body.RootElement.GetProperty("payload").GetProperty("bookingId").GetString());
        Assert.NotNull(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_route_booking_rescheduled"));
    }
}
