using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookDeliveryWorkerLeaseTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact(Skip = "BUG: a subscription Timeout (allowed up to 60 s by WebhookSubscriptionValidator) longer than WebhookOptions.LeaseDuration (only validated against AttemptTimeout in WebhookOptionsRulesValidator) makes WebhookDeliveryWorker.AttemptAsync (src/Choreblimey.Webhooks/Delivery/Internal/WebhookDeliveryWorker.cs, the 'now + timeout > lease.LeaseExpiresAt' check) release the lease due immediately on every claim: the delivery is never attempted and the worker spins claim/release in a hot loop.")]
    public async Task A_subscription_timeout_longer_than_the_lease_is_still_delivered()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .Configure(o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromSeconds(40);
            }));
        await host.Subscriptions.CreateAsync("t", new WebhookSubscriptionRequest
        {
            Url = _receiver.Url().ToString(),
            EventTypes = ["chore:*"],
            Timeout = TimeSpan.FromSeconds(60),
        });

        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: "t");

        await host.WaitForDeliveryStatusAsync("t", receipt.EventId!, WebhookDeliveryStatus.Succeeded, TimeSpan.FromSeconds(10));
    }
}
