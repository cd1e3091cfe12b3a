using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Publishing;

/// <summary>An idempotency key stands for one event: re-publishing it is harmless, reusing it for another event type is refused.</summary>
public sealed class WebhookPublisherIdempotencyTests
{
    private const string Tenant = "t1";
    private const string Key = "order-42";

    private static ServiceProvider Build(Action<WebhookOptions>? options = null) =>
        TestServices.Build(
            webhooks => webhooks
                .AddEvent("booking.created", "Bookings")
                .AddEvent("booking.cancelled", "Bookings"),
            options);

    private static async Task<IReadOnlyList<WebhookEventTypeSummary>> StoredAsync(ServiceProvider services) =>
        await services.GetRequiredService<IWebhookStore>().GetEventTypeSummariesAsync(null, null);

    [Fact]
    public async Task A_key_reused_for_another_event_type_throws_naming_the_key_the_tenant_and_both_types()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var first = await publisher.PublishAsync("booking.created", new { Id = 1 }, Tenant, idempotencyKey: Key);

        var exception = await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(
            async () => await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, Tenant, idempotencyKey: Key));

        Assert.Equal(Key, exception.IdempotencyKey);
        Assert.Equal(Tenant, exception.TenantId);
        Assert.Equal(first.EventId, exception.StoredEventId);
        Assert.Equal("booking.created", exception.StoredEventType);
        Assert.Equal("booking.cancelled", exception.EventType);
        Assert.Contains($"'{Key}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"tenant '{Tenant}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'booking.created'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'booking.cancelled'", exception.Message, StringComparison.Ordinal);
        Assert.Equal("booking.created", Assert.Single(await StoredAsync(services)).EventType);
    }

    [Fact]
    public async Task The_same_event_type_again_is_still_a_duplicate_after_a_refused_reuse()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        var first = await publisher.PublishAsync("booking.created", new { Id = 1 }, Tenant, idempotencyKey: Key);
        await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(
            async () => await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, Tenant, idempotencyKey: Key));

        var again = await publisher.PublishAsync("booking.created", new { Id = 1 }, Tenant, idempotencyKey: Key);

        Assert.Equal(WebhookPublishStatus.Duplicate, again.Status);
        Assert.Equal(first.EventId, again.EventId);
        Assert.True(again.IsStored);
    }

    [Fact]
    public async Task A_single_tenant_host_is_told_the_key_has_no_tenant()
    {
        await using var services = Build();
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        await publisher.PublishAsync("booking.created", new { Id = 1 }, idempotencyKey: Key);

        var exception = await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(
            async () => await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, idempotencyKey: Key));

        Assert.Equal(string.Empty, exception.TenantId);
        Assert.Contains("(no tenant)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_throwing_off_a_key_reused_for_another_event_type_is_rejected_in_the_receipt()
    {
        await using var services = Build(o => o.ThrowOnInvalidPublish = false);
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        await publisher.PublishAsync("booking.created", new { Id = 1 }, Tenant, idempotencyKey: Key);

        var receipt = await publisher.PublishAsync("booking.cancelled", new { Id = 1 }, Tenant, idempotencyKey: Key);

        Assert.Equal(WebhookPublishStatus.Rejected, receipt.Status);
        Assert.False(receipt.IsStored);
        Assert.Null(receipt.EventId);
        Assert.Contains("'booking.created'", receipt.Error, StringComparison.Ordinal);
        Assert.Contains("'booking.cancelled'", receipt.Error, StringComparison.Ordinal);
        Assert.Single(await StoredAsync(services));
    }
}
