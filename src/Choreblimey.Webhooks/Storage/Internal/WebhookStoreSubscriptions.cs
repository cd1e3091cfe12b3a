namespace Choreblimey.Webhooks.Storage.Internal;

/// <summary>Store reads of subscriptions that every caller would otherwise spell out the same way.</summary>
internal static class WebhookStoreSubscriptions
{
    /// <summary>
    /// Reads, past any cache, a subscription a delivery of <paramref name="tenantId"/> may go to: the tenant's own, or a
    /// host-level one (tenant <see cref="WebhookTenants.All"/>), which receives every tenant's events.
    /// </summary>
    public static async ValueTask<WebhookSubscription?> FindForTenantAsync(this IWebhookStore store, string tenantId, string subscriptionId, CancellationToken cancellationToken) =>
        await store.GetSubscriptionAsync(tenantId, subscriptionId, cancellationToken).ConfigureAwait(false)
        ?? (tenantId == WebhookTenants.All
            ? null
            : await store.GetSubscriptionAsync(WebhookTenants.All, subscriptionId, cancellationToken).ConfigureAwait(false));
}
