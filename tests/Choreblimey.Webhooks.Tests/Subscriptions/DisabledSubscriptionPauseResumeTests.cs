using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

/// <summary>The owner's pause and resume on a subscription the library disabled: pausing keeps why it was disabled.</summary>
public sealed class DisabledSubscriptionPauseResumeTests
{
    private const string Tenant = "family-resume-disabled";
    private const string Reason = "The receiver answered 410 Gone.";

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
