using System.Text.Json;
using Choreblimey.Webhooks.Catalogs.FourAs;
using Microsoft.Extensions.DependencyInjection;
using static Choreblimey.Webhooks.Acceptance.Tests.HostData;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>4AS Tutor Booking (single tenant, Make.com destinations): each requirement, met through the public API.</summary>
public sealed class FourAsAcceptanceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);

    private static Task<AcceptanceHost> StartAsync(Action<WebhookOptions>? options = null) =>
        AcceptanceHost.StartAsync(b => b.AddFourAsCatalog(), options);

    private static BookingCreated Booking(string order = "order-1") => new(
        order, "user-1", "CAD", 120m, 20m, 100m,
        [
            new BookingItem("appt-1", "course-1", "Mathématiques 101", "tutor-1", "Tutor One", Start, 60, 50m),
            new BookingItem("appt-2", "course-1", "Mathématiques 101", "tutor-1", "Tutor One", Start.AddDays(7), 60, 50m),
        ],
        Start.AddDays(-1));

    private const string BookingUrl = "https://hook.make.example/booking";
    private const string ErrorUrl = "https://hook.make.example/errors";

    private static Task<AcceptanceHost> StartWithMakeDestinationsAsync(
        Action<WebhookOptions>? options = null,
        Action<IServiceCollection, IWebhooksBuilder>? afterHarness = null,
        Action<WebhookDestinationMap>? map = null) =>
        AcceptanceHost.StartAsync(
            b => b.AddFourAsCatalog(),
            options,
            configuration: new Dictionary<string, string?>
            {
                ["MAKE_BOOKING_WEBHOOK_URL"] = BookingUrl,
                ["MAKE_ERROR_WEBHOOK_URL"] = ErrorUrl,
                // MAKE_RESCHEDULE_WEBHOOK_URL and MAKE_SIGNUP_WEBHOOK_URL are unset.
            },
            routing: (b, configuration) => b.MapDestinations(configuration, routes =>
            {
                routes.Envelope = WebhookEnvelopeFormats.Make;
                routes.Route("booking.created", "MAKE_BOOKING_WEBHOOK_URL")
                    .Route("booking.rescheduled", "MAKE_RESCHEDULE_WEBHOOK_URL", fallback: "MAKE_BOOKING_WEBHOOK_URL")
                    .Route("signup", "MAKE_SIGNUP_WEBHOOK_URL")
                    .Route("error.occurred", "MAKE_ERROR_WEBHOOK_URL", fallback: "MAKE_BOOKING_WEBHOOK_URL");
                map?.Invoke(routes);
            }),
            afterHarness: afterHarness);

    private static BookingRescheduled Rescheduled() => new("appt-1", Start, Start.AddHours(1), Start.AddDays(1), Start.AddDays(1).AddHours(1), "student", null);

    [Fact(DisplayName = FourAsR1)]
    public async Task Each_event_type_goes_to_its_configured_Make_scenario_or_the_fallback()
    {
        await using var host = await StartWithMakeDestinationsAsync();

        var booking = await host.Publisher.PublishAsync(Booking());
        var rescheduled = await host.Publisher.PublishAsync(Rescheduled());
        var signup = await host.Publisher.PublishAsync("signup", host.ExamplePayload("signup"));
        var error = await host.Publisher.PublishAsync("error.occurred", host.ExamplePayload("error.occurred"));

        Assert.Equal((WebhookPublishStatus.Published, 1), (booking.Status, booking.DeliveryCount));
        Assert.Equal((WebhookPublishStatus.Published, 1), (rescheduled.Status, rescheduled.DeliveryCount));
        Assert.Equal((WebhookPublishStatus.Published, 0), (signup.Status, signup.DeliveryCount));
        Assert.Equal((WebhookPublishStatus.Published, 1), (error.Status, error.DeliveryCount));
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 3);
        await host.Harness.WaitForIdleAsync();
        var urls = host.Harness.Receiver.Requests.ToDictionary(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()!, r => r.Url.ToString());
        Assert.Equal(
            new Dictionary<string, string> { ["booking.created"] = BookingUrl, ["booking.rescheduled"] = BookingUrl, ["error.occurred"] = ErrorUrl },
            urls);
    }

    [Fact(DisplayName = FourAsR2)]
    public async Task Wrong_type_names_are_caught()
    {
        await using var host = await StartAsync();

        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => host.Publisher.PublishAsync("appointment_rescheduled", new { }).AsTask());
        Assert.Equal("appointment_rescheduled", error.EventType);

        // Typed publishing cannot get the name wrong: the payload type decides it.
        await host.Publisher.PublishAsync(new BookingRescheduled("appt-1", Start, Start.AddHours(1), Start.AddDays(1), Start.AddDays(1).AddHours(1), "student", null));
        Assert.Equal("booking.rescheduled", Assert.Single(host.Harness.Published).EventType);
    }

    [Fact(DisplayName = FourAsR3)]
    public async Task Each_event_type_has_a_typed_payload()
    {
        await using var host = await StartAsync();
        await host.Harness.SubscribeAsync(null, "booking.created");

        await host.Publisher.PublishAsync(Booking());

        var published = await host.Harness.PublishedAsync("booking.created");
        Assert.Equal(Booking() with { Items = [] }, published.GetData<BookingCreated>()! with { Items = [] });
        Assert.Equal(Booking().Items, published.GetData<BookingCreated>()!.Items);
        Assert.Equal(100m, published.Data.GetProperty("total_cad").GetDecimal());
        Assert.Equal("appt-2", published.Data.GetProperty("items")[1].GetProperty("appointment_id").GetString());

        // 4AS's own BookingCreatedPayload, which its Make.com scenarios are mapped to: the same names on the wire and in the contract.
        var properties = host.Services.GetRequiredService<WebhookContractExporter>().GetPayloadSchema(typeof(BookingCreated))["properties"]!.AsObject();
        Assert.Equal(["order_id", "user_id", "currency", "subtotal_cad", "discount_cad", "total_cad", "items", "created_at"], properties.Select(p => p.Key));
        Assert.Equal(["order_id", "user_id", "currency", "subtotal_cad", "discount_cad", "total_cad", "items", "created_at"], published.Data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["appointment_id", "course_id", "course_title_fr", "tutor_id", "tutor_name", "start_datetime", "duration_min", "price_cad"],
            published.Data.GetProperty("items")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact(DisplayName = FourAsR3 + " (error.occurred as 4AS's error webhook)")]
    public async Task The_error_payload_has_every_field_of_4ASs_error_webhook_under_its_name()
    {
        await using var host = await StartWithMakeDestinationsAsync();
        using var context = JsonDocument.Parse("""{"order_id":"order-1"}""");
        var error = new ErrorOccurred(
            "err-1", "Payment intent failed", "server", "critical", "user-1", null, "/tutors/[tutorId]/book", "fp-3f2a", context.RootElement.Clone(), Start);

        await host.Publisher.PublishAsync(error);
        await host.Harness.DeliveredToAsync("sub_cfg_route_error_occurred");

        var payload = JsonDocument.Parse(Assert.Single(host.Harness.Receiver.Requests).Body).RootElement.GetProperty("payload");
        Assert.Equal(
            ["error_id", "message", "error_type", "severity", "user_id", "user_email", "url", "stack", "context", "timestamp"],
            payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("err-1", "order-1"), (payload.GetProperty("error_id").GetString(), payload.GetProperty("context").GetProperty("order_id").GetString()));
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("user_email").ValueKind);
        var received = payload.Deserialize<ErrorOccurred>(JsonSerializerOptions.Web)!;
        Assert.Equal(error with { Context = null }, received with { Context = null });
    }

    [Fact(DisplayName = FourAsR4)]
    public async Task Every_attempt_is_recorded_with_source_type_payload_status_and_count()
    {
        await using var host = await StartAsync();
        var subscription = await host.Subscriptions.CreateAsync(null, new WebhookSubscriptionRequest
        {
            Url = "https://hook.make.example/booking",
            EventTypes = ["booking.*"],
            Metadata = new Dictionary<string, string> { ["source"] = "make" },
        });
        host.Harness.Receiver.RespondWith(502);

        var receipt = await host.Publisher.PublishAsync(Booking());
        await host.Harness.AdvanceToNextDueAsync();
        var delivery = await host.Harness.DeliveredToAsync(subscription.Id);

        var stored = await host.Store.GetDeliveryAsync(string.Empty, delivery.DeliveryId);
        var message = await host.Store.GetMessageAsync(string.Empty, receipt.EventId!);
        Assert.Equal("make", (await host.Subscriptions.GetAsync(null, stored!.SubscriptionId))!.Metadata!["source"]);
        Assert.Equal("booking.created", stored.EventType);
        Assert.Equal("order-1", JsonDocument.Parse(message!.Data).RootElement.GetProperty("order_id").GetString());
        Assert.Equal(WebhookDeliveryStatus.Succeeded, stored.Status);
        Assert.Equal(2, stored.AttemptCount);
        Assert.Equal([WebhookAttemptOutcome.HttpError, WebhookAttemptOutcome.Succeeded], (await host.Store.GetAttemptsAsync(string.Empty, stored.Id)).Select(a => a.Outcome));
    }

    [Fact(DisplayName = FourAsR5 + " (backoff, 3 attempts, dead letters)")]
    public async Task Three_attempts_with_exponential_backoff_then_a_dead_letter()
    {
        await using var host = await StartAsync(o => o.Retry.UseSchedule(TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
        var subscription = await host.Harness.SubscribeAsync(null, "*");
        host.Harness.Receiver.DefaultStatusCode = 500;

        await host.Publisher.PublishAsync(Booking());
        await host.Harness.AdvanceToNextDueAsync();
        await host.Harness.AdvanceToNextDueAsync();

        var dead = await host.Harness.DeadLetteredAsync(subscription.Id, "booking.created", attempts: 3);
        var starts = dead.Attempts.Select(a => a.StartedAt).ToArray();
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], [starts[1] - starts[0], starts[2] - starts[1]]);
        var deadLetters = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = string.Empty, Status = WebhookDeliveryStatus.DeadLettered });
        Assert.Equal(dead.DeliveryId, Assert.Single(deadLetters.Items).Id);
    }

    [Fact(DisplayName = FourAsR5 + " (notification of repeated failures)")]
    public async Task Repeated_failures_are_notified()
    {
        var notifier = new RecordingNotifier();
        await using var host = await StartWithMakeDestinationsAsync(
            o =>
            {
                o.Retry.UseSchedule(TimeSpan.Zero);
                o.Health.DisableAfterConsecutiveFailures = 3;
                o.Health.DisableAfterFailingFor = TimeSpan.FromMinutes(1);
                // The failure streak, not the circuit breaker, is under test: with it on, the third delivery may be held back.
                o.CircuitBreaker.Enabled = false;
            },
            afterHarness: (services, webhooks) =>
            {
                webhooks.AddOperationalEvents();
                services.AddSingleton<IWebhookNotifier>(notifier);
            });
        var ops = await host.Harness.SubscribeAsync(null, WebhookOperationalEvents.DeliveryDeadLettered, WebhookOperationalEvents.EndpointDisabled);
        host.Harness.Receiver.RespondWith((request, _) => Task.FromResult(new HttpResponseMessage(
            request.Url.Host == "hook.make.example" ? System.Net.HttpStatusCode.BadGateway : System.Net.HttpStatusCode.OK)));

        for (var i = 1; i <= 3; i++)
        {
            await host.Publisher.PublishAsync(Booking($"order-{i}"));
            await JossiedbAcceptanceTests.Eventually(() => notifier.DeadLetters.Count == i);
            host.Harness.Clock!.Advance(TimeSpan.FromMinutes(1));
        }

        // Each dead letter is notified (to the host's notifier and as an operational webhook); the streak disables the endpoint,
        // and both the notifier and the ops subscription (as webhook.endpoint.disabled) hear of it.
        Assert.All(notifier.DeadLetters, n => Assert.Equal(("booking.created", 502), (n.EventType, n.LastStatusCode)));
        await JossiedbAcceptanceTests.Eventually(() => notifier.Disabled.Count == 1);
        var disabled = Assert.Single(notifier.Disabled);
        Assert.Equal("sub_cfg_route_booking_created", disabled.SubscriptionId);
        Assert.Equal(WebhookSubscriptionState.Disabled, (await host.Store.GetSubscriptionAsync(disabled.TenantId, disabled.SubscriptionId))!.State);
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.SubscriptionId == ops.Id && d.EventType == WebhookOperationalEvents.DeliveryDeadLettered && d.Status == WebhookDeliveryStatus.Succeeded) == 3);
        var deadLetters = await host.Operations.QueryAsync(new WebhookDeliveryQuery { TenantId = string.Empty, Status = WebhookDeliveryStatus.DeadLettered });
        Assert.Equal(3, deadLetters.Items.Count);

        // The route subscription is host-level (tenant '*'): its endpoint-disabled event goes out under the default tenant.
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Any(d => d.SubscriptionId == ops.Id && d.EventType == WebhookOperationalEvents.EndpointDisabled && d.Status == WebhookDeliveryStatus.Succeeded));
        var announced = Assert.Single(host.Harness.Published, e => e.EventType == WebhookOperationalEvents.EndpointDisabled);
        Assert.Equal([ops.Id], announced.SubscriptionIds);
        var payload = announced.GetData<WebhookSubscriptionDisabledNotification>();
        Assert.Equal((disabled.TenantId, disabled.SubscriptionId, disabled.Reason), (payload!.TenantId, payload.SubscriptionId, payload.Reason));
    }

    [Fact(DisplayName = FourAsR6)]
    public async Task The_destination_gets_a_bounded_number_of_concurrent_requests_and_of_requests_per_second()
    {
        await using var host = await StartAsync(o => o.MaxConcurrentDeliveriesPerEndpoint = 1);
        var start = host.Harness.Clock!.GetUtcNow();
        // Make.com scenarios accept a few operations a second: this destination takes at most 2 deliveries a second.
        var subscription = await host.Subscriptions.CreateAsync(null, new WebhookSubscriptionRequest { Url = BookingUrl, EventTypes = ["*"], RateLimitPerSecond = 2 });
        var probe = new ConcurrencyProbe();
        probe.Install(host.Harness.Receiver);

        for (var i = 0; i < 8; i++)
        {
            await host.Publisher.PublishAsync(Booking($"order-{i}"));
        }

        // Deliveries over the endpoint's cap or its rate are handed back for later; stepping the test clock lets them through in turn.
        while (await host.Harness.AdvanceToNextDueAsync() is not null)
        {
        }

        Assert.Equal(8, host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded && d.SubscriptionId == subscription.Id));
        Assert.All(host.Harness.Deliveries, d => Assert.Single(d.Attempts));
        Assert.Equal(1, probe.MaxPerUrl);
        // A burst of one second's worth (2), then one every half second on the clock.
        Assert.Equal(
            [0, 0, 0.5, 1, 1.5, 2, 2.5, 3],
            host.Harness.Receiver.Requests.Select(r => (r.ReceivedAt - start).TotalSeconds).Order());
    }

    [Fact(DisplayName = FourAsR6 + " (Make.com destinations from configuration)")]
    public async Task Destinations_mapped_from_configuration_take_the_maps_rate_limit_and_timeout()
    {
        await using var host = await StartWithMakeDestinationsAsync(
            o => o.MaxConcurrentDeliveriesPerEndpoint = 1,
            map: routes =>
            {
                routes.RateLimitPerSecond = 2;
                routes.Timeout = TimeSpan.FromSeconds(10);
            });
        var start = host.Harness.Clock!.GetUtcNow();
        var route = await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_route_booking_created");
        Assert.Equal((2d, TimeSpan.FromSeconds(10)), (route!.RateLimitPerSecond, route.Timeout));

        for (var i = 0; i < 6; i++)
        {
            await host.Publisher.PublishAsync(Booking($"order-{i}"));
        }

        while (await host.Harness.AdvanceToNextDueAsync() is not null)
        {
        }

        Assert.Equal(6, host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded && d.SubscriptionId == route.Id));
        Assert.Equal(
            [0, 0, 0.5, 1, 1.5, 2],
            host.Harness.Receiver.Requests.Where(r => r.Url.ToString() == BookingUrl).Select(r => (r.ReceivedAt - start).TotalSeconds).Order());
    }

    [Fact(DisplayName = FourAsR6 + " (routes falling back to one URL share its limits)")]
    public async Task Routes_falling_back_to_one_url_share_its_rate_limit_and_concurrency_cap()
    {
        // booking.created and booking.rescheduled (MAKE_RESCHEDULE_WEBHOOK_URL unset) both go to MAKE_BOOKING_WEBHOOK_URL.
        await using var host = await StartWithMakeDestinationsAsync(
            o => o.MaxConcurrentDeliveriesPerEndpoint = 1,
            map: routes => routes.RateLimitPerSecond = 2);
        var start = host.Harness.Clock!.GetUtcNow();
        var probe = new ConcurrencyProbe();
        probe.Install(host.Harness.Receiver);

        for (var i = 0; i < 3; i++)
        {
            await host.Publisher.PublishAsync(Booking($"order-{i}"));
            await host.Publisher.PublishAsync(Rescheduled());
        }

        while (await host.Harness.AdvanceToNextDueAsync() is not null)
        {
        }

        Assert.Equal(
            [("sub_cfg_route_booking_created", 3), ("sub_cfg_route_booking_rescheduled", 3)],
            host.Harness.Deliveries.Where(d => d.Status == WebhookDeliveryStatus.Succeeded).CountBy(d => d.SubscriptionId).Select(p => (p.Key, p.Value)).Order());

        // The URL takes 2 a second in all, not 2 a second per route: a burst of one second's worth, then one every half
        // second; and one request at a time in all, not one per route.
        Assert.Equal(
            [0, 0, 0.5, 1, 1.5, 2],
            host.Harness.Receiver.Requests.Where(r => r.Url.ToString() == BookingUrl).Select(r => (r.ReceivedAt - start).TotalSeconds).Order());
        Assert.Equal(1, probe.MaxPerUrl);
    }

    [Fact(DisplayName = FourAsR6 + " (a rate the map cannot take)")]
    public async Task A_mapped_rate_limit_subscriptions_do_not_accept_fails_start_naming_the_route()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StartWithMakeDestinationsAsync(map: routes => routes.RateLimitPerSecond = 0));
        Assert.Contains("sub_cfg_route_booking_created", exception.Message, StringComparison.Ordinal);
        Assert.Contains("RateLimitPerSecond", exception.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = FourAsR7)]
    public async Task Every_event_has_a_unique_id_in_the_body_and_header_and_a_repeat_is_harmless()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(null, "*");

        var first = await host.Publisher.PublishAsync(Booking("order-1"), idempotencyKey: "stripe-evt-1");
        var repeat = await host.Publisher.PublishAsync(Booking("order-1"), idempotencyKey: "stripe-evt-1");
        var second = await host.Publisher.PublishAsync(Booking("order-2"));

        Assert.Equal(WebhookPublishStatus.Duplicate, repeat.Status);
        Assert.Equal(first.EventId, repeat.EventId);
        Assert.NotEqual(first.EventId, second.EventId);
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Receiver.Requests.Count == 2);
        Assert.All(host.Harness.Receiver.Requests, r => Assert.Equal(r.WebhookId, JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()));
        Assert.Equal(2, host.Harness.Deliveries.Count(d => d.SubscriptionId == subscription.Id));
    }

    [Fact(DisplayName = FourAsR7 + " (4AS envelope { type, payload, event_id, sent_at })")]
    public async Task The_body_uses_the_4AS_envelope()
    {
        await using var host = await StartWithMakeDestinationsAsync();

        var receipt = await host.Publisher.PublishAsync(Booking());
        await host.Harness.DeliveredToAsync("sub_cfg_route_booking_created");

        var request = Assert.Single(host.Harness.Receiver.Requests);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(["type", "payload", "event_id", "sent_at"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("booking.created", body.GetProperty("type").GetString());
        Assert.Equal(receipt.EventId, body.GetProperty("event_id").GetString());
        Assert.Equal(receipt.EventId, request.WebhookId);
        Assert.Equal(host.Harness.Clock!.GetUtcNow(), body.GetProperty("sent_at").GetDateTimeOffset());
        var payload = body.GetProperty("payload").Deserialize<BookingCreated>(JsonSerializerOptions.Web)!;
        Assert.Equal(Booking() with { Items = [] }, payload with { Items = [] });
        Assert.Equal(Booking().Items, payload.Items);
        Assert.Equal("appt-2", body.GetProperty("payload").GetProperty("items")[1].GetProperty("appointment_id").GetString());
    }

    [Fact(DisplayName = FourAsR8)]
    public async Task Error_events_are_retained_90_days()
    {
        await using var host = await StartWithMakeDestinationsAsync(o =>
        {
            o.Retention.Interval = TimeSpan.FromHours(1);
            o.Retention.PerEventType["error.occurred"] = TimeSpan.FromDays(90);
        });
        var clock = host.Harness.Clock!;

        await host.Publisher.PublishAsync(Booking());
        await host.Publisher.PublishAsync("error.occurred", host.ExamplePayload("error.occurred"));
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 2);
        var booking = host.Harness.Deliveries.Single(d => d.EventType == "booking.created").DeliveryId;
        var error = host.Harness.Deliveries.Single(d => d.EventType == "error.occurred").DeliveryId;

        // Past the default 30 days the booking's log entry goes; the error's stays.
        clock.Advance(TimeSpan.FromDays(31));
        await Retention.PurgedAsync(clock, async () => await host.Operations.GetAsync(null, booking) is null);
        Assert.NotNull(await host.Operations.GetAsync(null, error));

        // Past 90 days it goes too.
        clock.Advance(TimeSpan.FromDays(60));
        await Retention.PurgedAsync(clock, async () => await host.Operations.GetAsync(null, error) is null);
    }

    private sealed class RecordingNotifier : IWebhookNotifier
    {
        public System.Collections.Concurrent.ConcurrentQueue<WebhookDeadLetterNotification> DeadLettersQueue { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<WebhookSubscriptionDisabledNotification> DisabledQueue { get; } = new();

        public IReadOnlyList<WebhookDeadLetterNotification> DeadLetters => [.. DeadLettersQueue];

        public IReadOnlyList<WebhookSubscriptionDisabledNotification> Disabled => [.. DisabledQueue];

        public ValueTask OnDeliveryDeadLetteredAsync(WebhookDeadLetterNotification notification, CancellationToken cancellationToken)
        {
            DeadLettersQueue.Enqueue(notification);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnSubscriptionDisabledAsync(WebhookSubscriptionDisabledNotification notification, CancellationToken cancellationToken)
        {
            DisabledQueue.Enqueue(notification);
            return ValueTask.CompletedTask;
        }
    }
}
