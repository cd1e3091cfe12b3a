using Microsoft.Extensions.DependencyInjection;
using static Choreblimey.Webhooks.Storage.Tests.Conformance.StoreTestData;

namespace Choreblimey.Webhooks.Storage.Tests.Conformance;

/// <summary>The publisher's guarantees that rest on the store's answers, checked on every store.</summary>
public abstract partial class WebhookStoreConformanceTests
{
    [Fact]
    public async Task Publishing_an_idempotency_key_reused_for_another_event_type_is_refused_and_the_first_event_kept()
    {
        // Stores match a key on tenant and key alone; the publisher reads the event that holds it back by id to compare
        // its type, so the cancellation is refused instead of being reported as a duplicate of the creation.
        var store = await NewStoreAsync();
        await store.CreateSubscriptionAsync(Subscription(SubId(1), patterns: ["booking.*"]));
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddWebhooks()
            .AddEvent("booking.created", "Bookings")
            .AddEvent("booking.cancelled", "Bookings")
            .UseStore(_ => store)
            .Services.BuildServiceProvider();
        var publisher = services.GetRequiredService<IWebhookPublisher>();

        var first = await publisher.PublishAsync("booking.created", new { Id = 1 }, TenantA, idempotencyKey: "order-42");
        var conflict = await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(
            async () => await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, TenantA, idempotencyKey: "order-42"));
        var repeat = await publisher.PublishAsync("booking.created", new { Id = 1 }, TenantA, idempotencyKey: "order-42");

        Assert.Equal(WebhookPublishStatus.Published, first.Status);
        Assert.Equal(
            ("order-42", TenantA, first.EventId, "booking.created", "booking.cancelled"),
            (conflict.IdempotencyKey, conflict.TenantId, (string?)conflict.StoredEventId, conflict.StoredEventType, conflict.EventType));
        Assert.Equal((first.EventId, WebhookPublishStatus.Duplicate), (repeat.EventId, repeat.Status));
        var delivery = Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = TenantA })).Items);
        Assert.Equal("booking.created", delivery.EventType);
    }
}
