using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

public sealed class RetryWhileLeasedTests
{
    private const string Tenant = "t-retry";

    [Fact]
    public async Task Retrying_a_delivery_a_worker_is_sending_is_refused_and_leaves_it_with_that_worker()
    {
        var clock = new WebhookTestClock();
        await using var services = RoutingServices.Create(timeProvider: clock);
        await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);
        var store = services.GetRequiredService<IWebhookStore>();
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("worker-a", 10, clock.GetUtcNow(), TimeSpan.FromMinutes(5))));
        var operations = services.GetRequiredService<IWebhookOperations>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => operations.RetryAsync(Tenant, lease.Delivery.Id).AsTask());

        Assert.Contains($"is being sent by worker 'worker-a'", refused.Message, StringComparison.Ordinal);
        // Still the worker's: its attempt can be recorded under its lease.
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = lease.Delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = new WebhookAttempt { DeliveryId = lease.Delivery.Id, TenantId = Tenant, AttemptNumber = 1, StartedAt = clock.GetUtcNow(), Duration = TimeSpan.FromMilliseconds(5), Outcome = WebhookAttemptOutcome.Succeeded, StatusCode = 200 },
            NewStatus = WebhookDeliveryStatus.Succeeded,
            NextAttemptAt = clock.GetUtcNow(),
        }));
    }

    [Fact]
    public async Task A_delivery_whose_lease_has_lapsed_can_be_retried()
    {
        var clock = new WebhookTestClock();
        await using var services = RoutingServices.Create(timeProvider: clock);
        await services.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("booking.created", new { Id = 1 }, tenantId: Tenant);
        var store = services.GetRequiredService<IWebhookStore>();
        var lease = Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("crashed-worker", 10, clock.GetUtcNow(), TimeSpan.FromMinutes(5))));

        clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True(await services.GetRequiredService<IWebhookOperations>().RetryAsync(Tenant, lease.Delivery.Id));
    }
}
