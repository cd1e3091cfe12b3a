using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// Two instances over one store. Instance B's worker has the subscription cached (fresh for 5 s); instance A changes it and
/// publishes. B's next claim, well within those 5 s, must send with what the store holds.
/// </summary>
public sealed class OtherInstanceChangeTests
{
    private const string Tenant = "family-other";

    [Fact]
    public async Task A_secret_rotated_on_another_instance_signs_the_next_delivery_sent_here()
    {
        await using var scene = await Scene.StartAsync();
        var rotated = await scene.A.GetRequiredService<IWebhookSubscriptionManager>().RotateSecretAsync(Tenant, scene.Subscription.Id, window: TimeSpan.Zero);

        var request = await scene.PublishOnAAndLetBClaimAsync();

        var received = Assert.Single(scene.Receiver.Received, r => r.WebhookId == request);
        var signature = received.Header("webhook-signature");
        var verifier = new WebhookVerifier(timeProvider: scene.Clock);
        Assert.True(verifier.Verify(received.Body, received.WebhookId, received.Header("webhook-timestamp"), signature, Assert.Single(rotated!.Secrets).Secret).IsValid, signature);
        Assert.False(verifier.Verify(received.Body, received.WebhookId, received.Header("webhook-timestamp"), signature, scene.Subscription.Secrets[0].Secret).IsValid);
    }

    [Fact]
    public async Task A_subscription_deleted_on_another_instance_gets_no_request_from_here()
    {
        await using var scene = await Scene.StartAsync();
        var receipt = await scene.A.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = 2 }, tenantId: Tenant);
        Assert.True(await scene.A.GetRequiredService<IWebhookSubscriptionManager>().DeleteAsync(Tenant, scene.Subscription.Id));

        scene.Clock.Advance(TimeSpan.FromMilliseconds(250));
        var delivery = await scene.SettledAsync(receipt.EventId!);

        Assert.Equal(WebhookDeliveryStatus.DeadLettered, delivery.Status);
        Assert.Equal($"The subscription '{scene.Subscription.Id}' no longer exists.", delivery.LastError);
        Assert.DoesNotContain(scene.Receiver.Received, r => r.WebhookId == receipt.EventId);
    }

    [Fact]
    public async Task A_subscription_paused_on_another_instance_has_its_delivery_held_here()
    {
        await using var scene = await Scene.StartAsync();
        var receipt = await scene.A.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = 3 }, tenantId: Tenant);
        Assert.NotNull(await scene.A.GetRequiredService<IWebhookSubscriptionManager>().PauseAsync(Tenant, scene.Subscription.Id));

        scene.Clock.Advance(TimeSpan.FromMilliseconds(250));
        await WebhookTestHost.EventuallyAsync(
            async () => (await scene.Store.GetDeliveryAsync(Tenant, (await scene.DeliveryOfAsync(receipt.EventId!)).Id))!.NextAttemptAt > scene.Clock.GetUtcNow() + TimeSpan.FromMinutes(1),
            "B's worker to hold the delivery of the paused subscription");

        var delivery = await scene.DeliveryOfAsync(receipt.EventId!);
        Assert.Equal((WebhookDeliveryStatus.Pending, 0), (delivery.Status, delivery.AttemptCount));
        Assert.DoesNotContain(scene.Receiver.Received, r => r.WebhookId == receipt.EventId);
    }

    private sealed class Scene : IAsyncDisposable
    {
        private WebhookTestHost _b = null!;

        public required LoopbackReceiver Receiver { get; init; }

        public required InMemoryWebhookStore Store { get; init; }

        public required WebhookTestClock Clock { get; init; }

        public ServiceProvider A { get; private set; } = null!;

        public WebhookSubscription Subscription { get; private set; } = null!;

        /// <summary>A creates the subscription; B publishes one event to it and delivers it, so B has the subscription cached.</summary>
        public static async Task<Scene> StartAsync()
        {
            var scene = new Scene { Receiver = await LoopbackReceiver.StartAsync(), Store = new InMemoryWebhookStore(), Clock = new WebhookTestClock(TestServices.Start) };
            scene._b = await WebhookTestHost.StartAsync(
                w => w.AddEvent("chore:created", "Chores").UseStore(_ => scene.Store),
                s => s.AddSingleton<TimeProvider>(scene.Clock));
            scene.A = TestServices.Build(w => w.AddEvent("chore:created", "Chores").UseStore(_ => scene.Store).AllowLoopback(), clock: scene.Clock);
            scene.Subscription = await scene.A.GetRequiredService<IWebhookSubscriptionManager>().CreateAsync(
                Tenant, new WebhookSubscriptionRequest { Url = scene.Receiver.Url().ToString(), EventTypes = ["chore:*"] });
            var first = await scene._b.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
            Assert.Equal(1, first.DeliveryCount);
            scene.Clock.Advance(TimeSpan.FromMilliseconds(250));
            Assert.Equal(WebhookDeliveryStatus.Succeeded, (await scene.SettledAsync(first.EventId!)).Status);
            return scene;
        }

        /// <summary>A publishes (its own cache sees its change at once); B's worker wakes at its next poll and sends.</summary>
        public async Task<string> PublishOnAAndLetBClaimAsync()
        {
            var receipt = await A.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = 2 }, tenantId: Tenant);
            Assert.Equal(1, receipt.DeliveryCount);
            Clock.Advance(TimeSpan.FromMilliseconds(250));
            await SettledAsync(receipt.EventId!);
            return receipt.EventId!;
        }

        public async Task<WebhookDelivery> DeliveryOfAsync(string eventId) =>
            Assert.Single((await Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = eventId })).Items);

        public async Task<WebhookDelivery> SettledAsync(string eventId)
        {
            await WebhookTestHost.EventuallyAsync(async () => (await DeliveryOfAsync(eventId)).AttemptCount > 0, $"B's worker to try {eventId}");
            return await DeliveryOfAsync(eventId);
        }

        public async ValueTask DisposeAsync()
        {
            await _b.DisposeAsync();
            await A.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }
}
