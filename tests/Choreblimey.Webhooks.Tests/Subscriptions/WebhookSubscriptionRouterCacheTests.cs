using Choreblimey.Webhooks.Subscriptions.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Subscriptions;

#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning members by calling them.
public sealed class WebhookSubscriptionRouterCacheTests
{
    private static WebhookSubscription Subscription(WebhookSubscriptionState state) => new()
    {
        Id = "sub_1",
        TenantId = "t",
        Url = new Uri("https://receiver.example/hooks"),
        EventPatterns = ["*"],
        Secrets = [new WebhookSigningSecret(WebhookSecret.Generate())],
        State = state,
    };

    [Fact]
    public async Task A_load_that_began_before_a_change_does_not_put_stale_subscriptions_back_into_the_cache()
    {
        var store = Substitute.For<IWebhookStore>();
        var staleRead = new TaskCompletionSource<IReadOnlyList<WebhookSubscription>>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.GetSubscriptionVersionAsync(Arg.Any<CancellationToken>()).Returns(new ValueTask<long>(1), new ValueTask<long>(2));
        store.GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>()).Returns(
            new ValueTask<IReadOnlyList<WebhookSubscription>>(staleRead.Task),
            new ValueTask<IReadOnlyList<WebhookSubscription>>([Subscription(WebhookSubscriptionState.Active)]));
        var router = new WebhookSubscriptionRouter(store, new WebhookTestClock(), Options(new WebhookOptions()));

        // A read starts while the subscription is still disabled, then the subscription is enabled (and the cache invalidated)
        // before that read returns.
        var inFlight = router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None).AsTask();
        router.Invalidate("t");
        staleRead.SetResult([Subscription(WebhookSubscriptionState.Disabled)]);
        Assert.Equal(WebhookSubscriptionState.Disabled, (await inFlight)!.State);

        var after = await router.GetSubscriptionAsync("t", "sub_1", CancellationToken.None);

        Assert.Equal(WebhookSubscriptionState.Active, after!.State);
        await store.Received(2).GetTenantSubscriptionsAsync("t", Arg.Any<CancellationToken>());
    }

    private static IOptionsMonitor<WebhookOptions> Options(WebhookOptions value)
    {
        var monitor = Substitute.For<IOptionsMonitor<WebhookOptions>>();
        monitor.CurrentValue.Returns(value);
        return monitor;
    }
}
