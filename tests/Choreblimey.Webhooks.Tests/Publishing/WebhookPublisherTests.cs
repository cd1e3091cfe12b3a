using Choreblimey.Webhooks.Testing;
using System.Text.Json;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Publishing;

public sealed class WebhookPublisherTests
{
    private const string Tenant = "family-1";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static ServiceProvider Build(Action<WebhookOptions>? options = null, Action<IWebhooksBuilder>? configure = null, WebhookTestClock? clock = null) =>
        TestServices.Build(
            webhooks =>
            {
                webhooks.AddEvent("booking.created", "Bookings");
                webhooks.AddEvent("booking.rescheduled", "Bookings");
                webhooks.AddEvent("appointment.completed", "Appointments");
                configure?.Invoke(webhooks);
            },
            options,
            clock);

    private static IWebhookStore SubstituteStore(params WebhookSubscription[] subscriptions)
    {
        var store = Substitute.For<IWebhookStore>();
#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning calls by invoking them.
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1));
        store.GetTenantSubscriptionsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(call => new ValueTask<IReadOnlyList<WebhookSubscription>>(subscriptions.Where(s => s.TenantId == call.Arg<string>()).ToList()));
        store.InsertMessageAsync(Arg.Any<WebhookMessage>(), Arg.Any<IReadOnlyList<WebhookDelivery>>(), Arg.Any<CancellationToken>())
            .Returns(call => new ValueTask<WebhookMessageInsertResult>(
                new WebhookMessageInsertResult(call.Arg<WebhookMessage>().Id, call.Arg<IReadOnlyList<WebhookDelivery>>().Count, false)));
#pragma warning restore CA2012
        return store;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(IWebhookStore store, string tenant = Tenant) =>
        (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = tenant })).Items;

    [Fact]
    public async Task An_undeclared_event_type_throws_naming_it_and_the_closest_declared_names()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var exception = await Assert.ThrowsAsync<UnknownWebhookEventException>(
            async () => await publisher.PublishAsync("appointment_rescheduled", new { Id = 1 }, tenantId: Tenant));

        Assert.Equal("appointment_rescheduled", exception.EventType);
        Assert.Contains("appointment_rescheduled", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'booking.rescheduled'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_event_declared_publishing_or_subscribing_says_so()
    {
        await using var services = TestServices.Build(_ => { });

        var publish = await Assert.ThrowsAsync<UnknownWebhookEventException>(
            async () => await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant));
        var subscribe = await Assert.ThrowsAsync<WebhookValidationException>(
            async () => await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://hooks.example.com/a", EventTypes = ["booking.created"] }));

        Assert.Contains("No webhook events are declared at all.", publish.Message, StringComparison.Ordinal);
        Assert.Contains("No webhook events are declared at all.", subscribe.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_attributes_are_refused_naming_the_attribute_and_its_length()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        Task Publish(Dictionary<string, string> attributes) =>
            publisher.PublishAsync("booking.created", new { Id = 1 }, new WebhookPublishOptions { TenantId = Tenant, Attributes = attributes }).AsTask();

        var longName = await Assert.ThrowsAsync<ArgumentException>(() => Publish(new() { [new string('n', 200)] = "x" }));
        var nullValue = await Assert.ThrowsAsync<ArgumentException>(() => Publish(new() { ["region"] = null! }));
        var longValue = await Assert.ThrowsAsync<ArgumentException>(() => Publish(new() { ["region"] = new string('v', 2000) }));

        Assert.Contains("is 200 characters long; an attribute name may have at most 128", longName.Message, StringComparison.Ordinal);
        Assert.Contains("The value of attribute 'region' is null", nullValue.Message, StringComparison.Ordinal);
        Assert.Contains("The value of attribute 'region' is 2000 characters long", longValue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_throwing_off_an_undeclared_event_is_rejected_in_the_receipt_and_nothing_is_stored()
    {
        var store = SubstituteStore();
        await using var services = Build(o => o.ThrowOnInvalidPublish = false, w => w.UseStore(_ => store));
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var receipt = await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Rejected, receipt.Status);
        Assert.Null(receipt.EventId);
        Assert.Equal(0, receipt.DeliveryCount);
        Assert.False(receipt.IsStored);
        Assert.NotNull(receipt.Error);
        Assert.Contains("booking.cancelled", receipt.Error, StringComparison.Ordinal);
        await store.DidNotReceiveWithAnyArgs().InsertMessageAsync(default!, default!, default);
    }

    [Fact]
    public async Task A_payload_with_a_reference_cycle_throws_a_payload_exception_naming_the_event()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var node = new Node { Name = "a" };
        node.Next = node;

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(async () => await publisher.PublishAsync("booking.created", node, tenantId: Tenant));

        Assert.Equal("booking.created", exception.EventType);
        Assert.Contains("'booking.created'", exception.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.InnerException);
    }

    [Fact]
    public async Task A_payload_whose_property_throws_an_invalid_operation_throws_a_payload_exception()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(
            async () => await publisher.PublishAsync("booking.created", new ThrowingPayload<InvalidOperationException>(), tenantId: Tenant));

        Assert.Equal("booking.created", exception.EventType);
        Assert.Contains("'booking.created'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_whose_property_throws_any_exception_throws_a_payload_exception()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(
            async () => await publisher.PublishAsync("booking.created", new ThrowingPayload<NotImplementedException>(), tenantId: Tenant));

        Assert.Equal("booking.created", exception.EventType);
        Assert.IsType<NotImplementedException>(exception.InnerException);
    }

    [Fact]
    public async Task With_throwing_off_a_payload_whose_property_throws_is_rejected()
    {
        await using var services = Build(o => o.ThrowOnInvalidPublish = false);
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var receipt = await publisher.PublishAsync("booking.created", new ThrowingPayload<NotImplementedException>(), tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Rejected, receipt.Status);
    }

    [Fact]
    public async Task A_rejected_publish_is_logged_with_its_exception_only_when_the_hosts_own_code_threw()
    {
        var logs = new Security.CapturingLoggerProvider();
        await using var services = Build(o => o.ThrowOnInvalidPublish = false, w => w.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var tooDeep = new System.Text.Json.Nodes.JsonObject();
        var level = tooDeep;
        for (var i = 0; i < 70; i++)
        {
            var child = new System.Text.Json.Nodes.JsonObject();
            level["a"] = child;
            level = child;
        }

        Assert.Equal(WebhookPublishStatus.Rejected, (await publisher.PublishAsync("booking.created", new ThrowingPayload<NotImplementedException>(), tenantId: Tenant)).Status);
        Assert.Equal(WebhookPublishStatus.Rejected, (await publisher.PublishAsync("booking.created", tooDeep, tenantId: Tenant)).Status);
        Assert.Equal(WebhookPublishStatus.Rejected, (await publisher.PublishAsync("booking.craeted", new { }, tenantId: Tenant)).Status);

        var rejected = logs.Entries.Where(e => e.Contains(" [3] Rejected publish of ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rejected.Count);
        Assert.Contains("System.NotImplementedException", rejected[0], StringComparison.Ordinal);   // a bug in the host's type: its stack trace
        Assert.EndsWith("} ", rejected[1], StringComparison.Ordinal);                                // bad input: the reason alone
        Assert.EndsWith("} ", rejected[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_over_the_size_limit_throws_naming_the_limit_and_the_size()
    {
        await using var services = Build(o => o.MaxPayloadBytes = 100);
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var payload = new { Text = new string('x', 200) };
        var size = JsonSerializer.SerializeToUtf8Bytes(payload, Web).Length;

        var exception = await Assert.ThrowsAsync<WebhookPayloadException>(async () => await publisher.PublishAsync("booking.created", payload, tenantId: Tenant));

        Assert.Equal("booking.created", exception.EventType);
        Assert.Contains("100 bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{size} bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains("MaxPayloadBytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_exactly_at_the_size_limit_is_accepted()
    {
        var payload = new { Text = new string('x', 50) };
        var size = JsonSerializer.SerializeToUtf8Bytes(payload, Web).Length;
        await using var services = Build(o => o.MaxPayloadBytes = size);

        var receipt = await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", payload, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }

    [Fact]
    public async Task Republishing_with_the_same_idempotency_key_returns_the_first_receipt_and_stores_once()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var store = services.GetRequiredService<IWebhookStore>();
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_a", Tenant, ["booking.*"]));

        var first = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, idempotencyKey: "order-42");
        var second = await publisher.PublishAsync("booking.created", new { Id = 2 }, tenantId: Tenant, idempotencyKey: "order-42");

        Assert.Equal(WebhookPublishStatus.Published, first.Status);
        Assert.Equal(WebhookPublishStatus.Duplicate, second.Status);
        Assert.True(second.IsStored);
        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(first.DeliveryCount, second.DeliveryCount);
        var delivery = Assert.Single(await DeliveriesAsync(store));
        Assert.Equal(first.EventId, delivery.MessageId);
        var message = await store.GetMessageAsync(Tenant, first.EventId!);
        Assert.Equal("""{"id":1}""", System.Text.Encoding.UTF8.GetString(message!.Data.Span));
    }

    [Fact]
    public async Task The_same_idempotency_key_in_another_tenant_is_a_new_event()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var first = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: "tenant-a", idempotencyKey: "k");
        var second = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: "tenant-b", idempotencyKey: "k");

        Assert.Equal(WebhookPublishStatus.Published, second.Status);
        Assert.NotEqual(first.EventId, second.EventId);
    }

    [Fact]
    public async Task When_disabled_publishing_returns_disabled_and_never_touches_the_store()
    {
        var store = Substitute.For<IWebhookStore>();
        await using var services = Build(o => o.Enabled = false, w => w.UseStore(_ => store));
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var receipt = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, idempotencyKey: "k");
        var undeclared = await publisher.PublishAsync("not.declared", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Disabled), receipt);
        Assert.Equal(WebhookPublishStatus.Disabled, undeclared.Status);
        Assert.Empty(store.ReceivedCalls());
    }

    [Fact]
    public async Task Creates_one_delivery_per_matching_active_or_disabled_subscription_of_the_tenant()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var store = services.GetRequiredService<IWebhookStore>();
        WebhookSubscription[] subscriptions =
        [
            TestServices.Subscription("sub_exact", Tenant, ["booking.created"]),
            TestServices.Subscription("sub_all", Tenant, ["*"]),
            TestServices.Subscription("sub_prefix", Tenant, ["booking.*"]),
            TestServices.Subscription("sub_two_patterns", Tenant, ["booking.created", "booking.*"]),
            TestServices.Subscription("sub_paused", Tenant, ["*"], WebhookSubscriptionState.Paused),
            TestServices.Subscription("sub_disabled", Tenant, ["booking.created"], WebhookSubscriptionState.Disabled),
            TestServices.Subscription("sub_other_event", Tenant, ["booking.rescheduled", "appointment.*"]),
            TestServices.Subscription("sub_other_tenant", "family-2", ["*"]),
            TestServices.Subscription("sub_default_tenant", "", ["*"]),
        ];
        foreach (var subscription in subscriptions)
        {
            await store.CreateSubscriptionAsync(subscription);
        }

        var receipt = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(5, receipt.DeliveryCount);
        var deliveries = await DeliveriesAsync(store);
        Assert.Equal(
            ["sub_all", "sub_disabled", "sub_exact", "sub_prefix", "sub_two_patterns"],
            deliveries.Select(d => d.SubscriptionId).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d =>
        {
            Assert.Equal(receipt.EventId, d.MessageId);
            Assert.Equal(Tenant, d.TenantId);
            Assert.Equal("booking.created", d.EventType);
            Assert.Equal(WebhookDeliveryStatus.Pending, d.Status);
            Assert.Equal(0, d.AttemptCount);
        });
        Assert.Empty(await DeliveriesAsync(store, "family-2"));
        Assert.Empty(await DeliveriesAsync(store, ""));
    }

    [Fact]
    public async Task A_publish_with_no_matching_subscription_is_stored_with_no_deliveries()
    {
        await using var services = Build();
        var receipt = await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(0, receipt.DeliveryCount);
        Assert.NotNull(await services.GetRequiredService<IWebhookStore>().GetMessageAsync(Tenant, receipt.EventId!));
    }

    [Fact]
    public async Task Deliveries_are_due_after_the_first_schedule_entry()
    {
        var clock = new WebhookTestClock(TestServices.Start);
        await using var services = Build(o => o.Retry.UseSchedule(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)), clock: clock);
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var store = services.GetRequiredService<IWebhookStore>();
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_default", Tenant, ["*"]));
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_own", Tenant, ["*"], retrySchedule: [TimeSpan.FromSeconds(7)]));
        clock.Advance(TimeSpan.FromMinutes(3));
        var now = clock.GetUtcNow();

        var receipt = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);

        var deliveries = (await DeliveriesAsync(store)).ToDictionary(d => d.SubscriptionId);
        Assert.Equal(now + TimeSpan.FromSeconds(2), deliveries["sub_default"].NextAttemptAt);
        Assert.Equal(now + TimeSpan.FromSeconds(7), deliveries["sub_own"].NextAttemptAt);
        Assert.All(deliveries.Values, d => Assert.Equal(now, d.CreatedAt));
        var message = await store.GetMessageAsync(Tenant, receipt.EventId!);
        Assert.Equal(now, message!.Timestamp);
    }

    [Fact]
    public async Task Publishing_writes_to_the_store_exactly_once_and_makes_no_http_call()
    {
        var handler = new RecordingHandler();
        var store = SubstituteStore(TestServices.Subscription("sub_a", Tenant, ["*"]), TestServices.Subscription("sub_b", Tenant, ["booking.*"]));
        await using var services = Build(configure: w => w
            .UseStore(_ => store)
            .ConfigureHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => handler)));
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var receipt = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, actor: "parent-7", idempotencyKey: "k-1");

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(2, receipt.DeliveryCount);
        await store.Received(1).InsertMessageAsync(
            Arg.Is<WebhookMessage>(m => m.Id == receipt.EventId && m.TenantId == Tenant && m.EventType == "booking.created"
                && m.Actor == "parent-7" && m.IdempotencyKey == "k-1" && m.Id.StartsWith("msg_", StringComparison.Ordinal)),
            Arg.Is<IReadOnlyList<WebhookDelivery>>(d => d.Count == 2 && d.All(x => x.MessageId == receipt.EventId && x.Id.StartsWith("dlv_", StringComparison.Ordinal))),
            Arg.Any<CancellationToken>());
        Assert.Single(store.ReceivedCalls(), c => c.GetMethodInfo().Name == nameof(IWebhookStore.InsertMessageAsync));
        Assert.DoesNotContain(store.ReceivedCalls(), c => c.GetMethodInfo().Name is nameof(IWebhookStore.ClaimDueDeliveriesAsync)
            or nameof(IWebhookStore.RecordAttemptAsync) or nameof(IWebhookStore.CreateSubscriptionAsync) or nameof(IWebhookStore.UpdateSubscriptionAsync));
        Assert.Equal(0, handler.Sends);
    }

    [Theory]
    [InlineData("family 1", "TenantId", "printable ASCII")]
    [InlineData("family\u00e91", "TenantId", "printable ASCII")]
    [InlineData(null, "TenantId", "at most 128")]
    public async Task An_invalid_tenant_id_is_rejected_naming_the_rule(string? tenant, string paramName, string rule)
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        tenant ??= new string('t', 129);

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: tenant));

        Assert.Equal(paramName, exception.ParamName);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.Contains("tenant id", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_id_of_exactly_128_characters_is_accepted()
    {
        await using var services = Build();

        var receipt = await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: new string('t', 128));

        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }

    [Theory]
    [InlineData("parent 7", "printable ASCII")]
    [InlineData("parent\n7", "printable ASCII")]
    [InlineData(null, "at most 256")]
    public async Task An_invalid_actor_is_rejected_naming_the_rule(string? actor, string rule)
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        actor ??= new string('a', 257);

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, actor: actor));

        Assert.Equal("Actor", exception.ParamName);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.Contains("actor", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "1 to 256")]
    [InlineData(null, "1 to 256")]
    [InlineData("key with spaces", "printable ASCII")]
    public async Task An_invalid_idempotency_key_is_rejected_naming_the_rule(string? key, string rule)
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        key ??= new string('k', 257);

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, idempotencyKey: key));

        Assert.Equal("IdempotencyKey", exception.ParamName);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
        Assert.Contains("idempotency key", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_throwing_off_invalid_inputs_are_rejected_in_the_receipt()
    {
        var store = SubstituteStore();
        await using var services = Build(o => o.ThrowOnInvalidPublish = false, w => w.UseStore(_ => store));
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var badTenant = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: "a b");
        var badKey = await publisher.PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant, idempotencyKey: "");
        var tooLarge = await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Text = new string('x', 300_000) }, tenantId: Tenant);

        Assert.Equal(WebhookPublishStatus.Rejected, badTenant.Status);
        Assert.Contains("tenant id", badTenant.Error, StringComparison.Ordinal);
        Assert.Equal(WebhookPublishStatus.Rejected, badKey.Status);
        Assert.Contains("idempotency key", badKey.Error, StringComparison.Ordinal);
        Assert.Equal(WebhookPublishStatus.Rejected, tooLarge.Status);
        Assert.Contains("MaxPayloadBytes", tooLarge.Error, StringComparison.Ordinal);
        await store.DidNotReceiveWithAnyArgs().InsertMessageAsync(default!, default!, default);
    }

    private sealed class Node
    {
        public string Name { get; set; } = "";

        public Node? Next { get; set; }
    }

    private sealed class ThrowingPayload<TException>
        where TException : Exception, new()
    {
        private readonly int _id = 1;

        public int Id => _id;

        public string Broken => _id > 0 ? throw new TException() : "";
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public int Sends { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sends++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
