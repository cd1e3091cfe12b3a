using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Choreblimey.Webhooks.Testing;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>
/// The owner's pause and resume on a subscription the library disabled: pausing keeps why it was disabled, and resuming
/// closes the endpoint's circuit as <see cref="IWebhookOperations.EnableSubscriptionAsync"/> does, so the held deliveries
/// are sent at once instead of meeting a breaker that is still open.
/// </summary>
public sealed class DisabledSubscriptionPauseResumeTests
{
    private const string Tenant = "family-resume-disabled";
    private const string Reason = "The receiver answered 410 Gone.";

    private static readonly WebhookSendResult Failed = new(WebhookAttemptOutcome.HttpError, 500, null, "boom", TimeSpan.Zero, null);
    private static readonly WebhookSendResult Succeeded = new(WebhookAttemptOutcome.Succeeded, 200, null, null, TimeSpan.Zero, null);

    [Fact]
    public async Task Pausing_a_disabled_subscription_keeps_why_it_was_disabled_until_it_is_resumed()
    {
        await using var services = RoutingServices.Create();
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();
        var subscription = await manager.CreateAsync(Tenant, RoutingServices.Request("booking.*"));
        await DisableAsync(services, subscription);

        var paused = await manager.PauseAsync(Tenant, subscription.Id);

        Assert.Equal(WebhookSubscriptionState.Paused, paused!.State);
        Assert.Equal(Reason, paused.DisabledReason);
        Assert.Equal(Reason, (await manager.GetAsync(Tenant, subscription.Id))!.DisabledReason);

        var resumed = await manager.ResumeAsync(Tenant, subscription.Id);

        Assert.Equal(WebhookSubscriptionState.Active, resumed!.State);
        Assert.Null(resumed.DisabledReason);
    }

    [Theory]
    [InlineData(WebhookSubscriptionState.Disabled)]
    [InlineData(WebhookSubscriptionState.Paused)]
    public async Task Resuming_closes_the_endpoints_circuit_as_enabling_does(WebhookSubscriptionState state)
    {
        var clock = new WebhookTestClock(TestServices.Start);
        await using var services = TestServices.Build(w => w.AddEvent("chore:created", "Chores"), OpenAfterTwoFailures, clock);
        var manager = services.GetRequiredService<IWebhookSubscriptionManager>();
        var subscription = await manager.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://hooks.example.com/resume", EventTypes = ["*"] });
        var registry = services.GetRequiredService<WebhookEndpointRegistry>();
        var endpoint = registry.GetCircuit(subscription.Id);
        for (var i = 0; i < 2; i++)
        {
            await endpoint.Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Failed));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await endpoint.Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Succeeded)));
        if (state == WebhookSubscriptionState.Disabled)
        {
            await DisableAsync(services, subscription);
        }
        else
        {
            await manager.PauseAsync(Tenant, subscription.Id);
        }

        await manager.ResumeAsync(Tenant, subscription.Id);

        var result = await registry.GetCircuit(subscription.Id).Pipeline.ExecuteAsync(static _ => ValueTask.FromResult(Succeeded));
        Assert.Equal(WebhookAttemptOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public async Task A_subscription_disabled_by_a_failure_streak_is_sent_its_held_delivery_at_once_when_resumed()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Respond = (_, seen) => Task.FromResult(seen <= 2 ? 500 : 200);
        await using var host = await WebhookTestHost.StartAsync(w => w
            .AddEvent("chore:created", "Chores")
            .Configure(o =>
            {
                // The same two failures open the circuit (for an hour) and disable the subscription.
                OpenAfterTwoFailures(o);
                o.Health.DisableAfterConsecutiveFailures = 2;
                o.Health.DisableAfterFailingFor = TimeSpan.Zero;
            }));
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = receiver.Url().ToString(), EventTypes = ["chore:*"], MaxAttempts = 10 });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await host.WaitForSubscriptionStateAsync(Tenant, subscription.Id, WebhookSubscriptionState.Disabled, "the failure streak to disable the subscription");
        await WebhookTestHost.EventuallyAsync(
            async () => (await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId })).Items.Single()
                is { LeaseOwner: null } held && held.NextAttemptAt > DateTimeOffset.UtcNow.AddMinutes(1),
            "the worker to hold the delivery of the disabled subscription");

        var resumed = await host.Subscriptions.ResumeAsync(Tenant, subscription.Id);

        Assert.Equal(WebhookSubscriptionState.Active, resumed!.State);
        var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
        Assert.Equal(3, delivery.AttemptCount);
    }

    [Fact]
    public async Task A_410_answered_after_the_owner_paused_leaves_the_subscription_paused()
    {
        // The owner pauses while an attempt is in flight; its 410 Gone must not turn the pause into a disable, which
        // would route new events to the subscription again (held), against the owner's pause.
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.Respond = async (_, _) =>
        {
            arrived.TrySetResult();
            await answer.Task;
            return 410;
        };
        await using var host = await WebhookTestHost.StartAsync(w => w.AddEvent("chore:created", "Chores"));
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = receiver.Url().ToString(), EventTypes = ["chore:*"] });
        var receipt = await host.Publisher.PublishAsync("chore:created", new { Id = 1 }, tenantId: Tenant);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await host.Subscriptions.PauseAsync(Tenant, subscription.Id);
        answer.SetResult();
        await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.DeadLettered);

        // The worker acts on the 410 after recording the dead letter; stopping it waits for that delivery's processing to
        // end, so the state read below is the one the worker left, not one read before it got there.
        await host.Services.GetServices<IHostedService>().OfType<WebhookDeliveryWorker>().Single().StopAsync(CancellationToken.None);
        var after = await host.Subscriptions.GetAsync(Tenant, subscription.Id);
        Assert.Equal(WebhookSubscriptionState.Paused, after!.State);
        Assert.Equal(0, (await host.Publisher.PublishAsync("chore:created", new { Id = 2 }, tenantId: Tenant)).DeliveryCount);
    }

    private static void OpenAfterTwoFailures(WebhookOptions options)
    {
        options.CircuitBreaker.Enabled = true;
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.FailureRatio = 1.0;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromHours(1);
    }

    // As the worker disables a subscription after 410 Gone or a failure streak.
    private static async Task DisableAsync(IServiceProvider services, WebhookSubscription subscription)
    {
        var change = await WebhookSubscriptionWriter.ChangeAsync(
            services.GetRequiredService<IWebhookStore>(),
            services.GetRequiredService<TimeProvider>(),
            subscription.TenantId,
            subscription.Id,
            static (current, _) => current with { State = WebhookSubscriptionState.Disabled, DisabledReason = Reason },
            CancellationToken.None);
        Assert.True(change.Written);
    }
}
