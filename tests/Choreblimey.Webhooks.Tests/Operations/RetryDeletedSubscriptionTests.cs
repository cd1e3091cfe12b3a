using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

public sealed class RetryDeletedSubscriptionTests
{
    private const string Tenant = "t-deleted";

    [Fact]
    public async Task A_dead_letter_of_a_deleted_subscription_is_refused_naming_why_and_left_as_it_was()
    {
        var clock = new WebhookTestClock();
        await using var services = RoutingServices.Create(timeProvider: clock);
        var subscription = await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        var dead = await DeadLetterOneAsync(services, clock);
        Assert.True(await services.GetRequiredService<IWebhookSubscriptionManager>().DeleteAsync(Tenant, subscription.Id));
        var operations = services.GetRequiredService<IWebhookOperations>();

        var refused = await Assert.ThrowsAsync<WebhookOperationException>(() => operations.RetryAsync(Tenant, dead.Id).AsTask());
        var recovered = await operations.RecoverAsync(Tenant, subscription.Id, since: null);

        Assert.Equal((WebhookOperationError.SubscriptionDeleted, subscription.Id, dead.Id), (refused.Error, refused.SubscriptionId, refused.DeliveryId));
        Assert.Equal($"The delivery '{dead.Id}' belongs to subscription '{subscription.Id}', which has been deleted; there is nowhere to send it again.", refused.Message);
        Assert.Equal(0, recovered);
        Assert.Equal(WebhookDeliveryStatus.DeadLettered, (await services.GetRequiredService<IWebhookStore>().GetDeliveryAsync(Tenant, dead.Id))!.Status);
    }

    [Fact]
    public async Task A_dead_letter_of_a_host_level_subscription_is_retried_in_its_events_tenant()
    {
        var clock = new WebhookTestClock();
        await using var services = RoutingServices.Create(timeProvider: clock);
        var hostLevel = await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(WebhookTenants.All, RoutingServices.Request("booking.*"));
        var dead = await DeadLetterOneAsync(services, clock);
        var operations = services.GetRequiredService<IWebhookOperations>();

        Assert.Equal(hostLevel.Id, dead.SubscriptionId);
        Assert.True(await operations.RetryAsync(Tenant, dead.Id));
        Assert.Equal(WebhookDeliveryStatus.Pending, (await services.GetRequiredService<IWebhookStore>().GetDeliveryAsync(Tenant, dead.Id))!.Status);
    }

    /// <summary>Publishes one event for the tenant and dead-letters its one delivery through the store, as a worker would.</summary>
    private static async Task<WebhookDelivery> DeadLetterOneAsync(ServiceProvider services, WebhookTestClock clock)
    {
        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);
        var store = services.GetRequiredService<IWebhookStore>();
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-a", 10, clock.GetUtcNow(), TimeSpan.FromMinutes(5))));
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = lease.Delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = new WebhookAttempt { DeliveryId = lease.Delivery.Id, TenantId = Tenant, AttemptNumber = 1, StartedAt = clock.GetUtcNow(), Duration = TimeSpan.FromMilliseconds(5), Outcome = WebhookAttemptOutcome.HttpError, StatusCode = 500 },
            NewStatus = WebhookDeliveryStatus.DeadLettered,
            NextAttemptAt = clock.GetUtcNow(),
        }));
        return (await store.GetDeliveryAsync(Tenant, lease.Delivery.Id))!;
    }
}
