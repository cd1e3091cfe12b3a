using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

public sealed class WebhookDeliveryWorkerLeaseTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_lease_shorter_than_the_longest_subscription_timeout_is_refused_at_start()
    {
        // A lease must outlast any attempt; subscriptions may raise their timeout to 60 s, so a 40 s lease would never fit one.
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .Configure(o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
                o.LeaseDuration = TimeSpan.FromSeconds(40);
            })));

        Assert.Contains("WebhookOptions.LeaseDuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_timeout_of_60_seconds_is_delivered_with_the_default_lease()
    {
        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks.AddEvent("chore:created", "Chores"));
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
