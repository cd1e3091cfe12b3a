using Choreblimey.Webhooks.Subscriptions.Internal;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests;

/// <summary>Waits for a subscription's state as the delivery worker sees it, not only as the store has it.</summary>
internal static class SubscriptionStateWaits
{
    /// <summary>
    /// Waits until the store has the subscription in <paramref name="state"/> and the routing cache, which the worker reads,
    /// does too. The worker writes a disable to the store and only then invalidates the cache, so a test that publishes as
    /// soon as the store says disabled can have that event claimed against the cached, still active subscription and sent.
    /// </summary>
    public static async Task WaitForSubscriptionStateAsync(this WebhookTestHost host, string tenantId, string subscriptionId, WebhookSubscriptionState state, string what)
    {
        var router = host.Services.GetRequiredService<WebhookSubscriptionRouter>();
        await WebhookTestHost.EventuallyAsync(
            async () => (await host.Store.GetSubscriptionAsync(tenantId, subscriptionId))?.State == state
                && (await router.GetSubscriptionAsync(tenantId, subscriptionId, CancellationToken.None))?.State == state,
            what);
    }
}
