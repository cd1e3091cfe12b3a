using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Choreblimey.Webhooks.Tests.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Delivery;

/// <summary>
/// Two instances over one store. Instance B's worker has the subscription cached (fresh for 5 s); instance A changes it and
/// publishes. B's next claim, well within those 5 s, must send with what the store holds. B's claims are held while A acts,
/// so that a claim B's worker started before the change (at the same instant of the test clock, when it does not check the
/// store's version again) cannot take A's delivery.
/// </summary>
public sealed class OtherInstanceChangeTests
{
    private const string Tenant = "family-other";

    [Fact]
    public async Task A_secret_rotated_on_another_instance_signs_the_next_delivery_sent_here()
    {
        await using var scene = await Scene.StartAsync();
        WebhookSubscription? rotated = null;
        string? request = null;
        await scene.WhileBHoldsItsClaimsAsync(async () =>
        {
            rotated = await scene.A.GetRequiredService<IWebhookSubscriptionManager>().RotateSecretAsync(Tenant, scene.Subscription.Id, window: TimeSpan.Zero);
            request = await scene.PublishOnAAsync(3);
        });
        await scene.SettledAsync(request!);

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
        string? eventId = null;
        await scene.WhileBHoldsItsClaimsAsync(async () =>
        {
            eventId = await scene.PublishOnAAsync(2);
            Assert.True(await scene.A.GetRequiredService<IWebhookSubscriptionManager>().DeleteAsync(Tenant, scene.Subscription.Id));
        });
        var delivery = await scene.SettledAsync(eventId!);

        Assert.Equal(WebhookDeliveryStatus.DeadLettered, delivery.Status);
        Assert.Equal($"The subscription '{scene.Subscription.Id}' no longer exists.", delivery.LastError);
        Assert.DoesNotContain(scene.Receiver.Received, r => r.WebhookId == eventId);
    }

    [Fact]
    public async Task A_subscription_paused_on_another_instance_has_its_delivery_held_here()
    {
        await using var scene = await Scene.StartAsync();
        string? eventId = null;
        await scene.WhileBHoldsItsClaimsAsync(async () =>
        {
            eventId = await scene.PublishOnAAsync(4);
            Assert.NotNull(await scene.A.GetRequiredService<IWebhookSubscriptionManager>().PauseAsync(Tenant, scene.Subscription.Id));
        });
        await WebhookTestHost.EventuallyAsync(
            async () => (await scene.DeliveryOfAsync(eventId!)).NextAttemptAt > scene.Clock.GetUtcNow() + TimeSpan.FromMinutes(1),
            "B's worker to hold the delivery of the paused subscription");

        var delivery = await scene.DeliveryOfAsync(eventId!);
        Assert.Equal((WebhookDeliveryStatus.Pending, 0), (delivery.Status, delivery.AttemptCount));
        Assert.DoesNotContain(scene.Receiver.Received, r => r.WebhookId == eventId);
    }

    private sealed class Scene : IAsyncDisposable
    {
        private WebhookTestHost _b = null!;
        private volatile bool _claimsAllowed = true;

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
                w => w.AddEvent("chore:created", "Chores").UseStore(_ => HookedStore.Wrap(scene.Store, new HookedStore.Hooks { ClaimsAllowed = () => scene._claimsAllowed })),
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

        /// <summary>A publishes; its own cache sees its own changes at once.</summary>
        public async Task<string> PublishOnAAsync(int id)
        {
            var receipt = await A.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = id }, tenantId: Tenant);
            Assert.Equal(1, receipt.DeliveryCount);
            return receipt.EventId!;
        }

        /// <summary>
        /// Runs A's part while B's claims find nothing, moves the clock past a poll (B's worker checks the store's version
        /// there, later than the change), then lets B claim and moves the clock past its next poll.
        /// </summary>
        public async Task WhileBHoldsItsClaimsAsync(Func<Task> onA)
        {
            _claimsAllowed = false;
            await onA();
            Clock.Advance(TimeSpan.FromMilliseconds(250));
            _claimsAllowed = true;
            Clock.Advance(TimeSpan.FromMilliseconds(250));
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
