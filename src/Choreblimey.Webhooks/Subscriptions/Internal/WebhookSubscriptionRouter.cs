using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// Caches each tenant's subscriptions so that publishing and sending do not read the store every time. Local changes
/// invalidate at once; changes made by other instances are seen when an entry is older than
/// <see cref="WebhookOptions.SubscriptionCacheDuration"/> and the store's subscription version has moved.
/// </summary>
internal sealed class WebhookSubscriptionRouter(IWebhookStore store, TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options)
{
    private readonly ConcurrentDictionary<string, TenantEntry> _tenants = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<WebhookSubscription>> GetMatchingActiveAsync(string tenantId, string eventType, CancellationToken cancellationToken) =>
        GetMatchingActiveAsync(tenantId, eventType, null, cancellationToken);

    /// <summary>
    /// Gets the tenant's active subscriptions whose patterns match <paramref name="eventType"/> and whose attribute filters all
    /// match <paramref name="attributes"/>. Reads the store only when the tenant's cache entry is cold or stale; allocates
    /// nothing but the result list when something matches.
    /// </summary>
    public async ValueTask<IReadOnlyList<WebhookSubscription>> GetMatchingActiveAsync(
        string tenantId, string eventType, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        List<WebhookSubscription>? matches = null;
        AddMatches(await GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false), eventType, attributes, ref matches);
        if (tenantId != WebhookTenants.All)
        {
            // Host-level endpoints (configuration, WEBHOOK_URL) receive every tenant's events.
            AddMatches(await GetTenantSubscriptionsAsync(WebhookTenants.All, cancellationToken).ConfigureAwait(false), eventType, attributes, ref matches);
        }

        return (IReadOnlyList<WebhookSubscription>?)matches ?? [];
    }

    /// <summary>Gets a subscription a delivery of <paramref name="tenantId"/> may go to: the tenant's own, or a host-level one.</summary>
    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken) =>
        Find(await GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false), subscriptionId)
        ?? (tenantId == WebhookTenants.All
            ? null
            : Find(await GetTenantSubscriptionsAsync(WebhookTenants.All, cancellationToken).ConfigureAwait(false), subscriptionId));

    private static void AddMatches(IReadOnlyList<WebhookSubscription> subscriptions, string eventType, IReadOnlyDictionary<string, string>? attributes, ref List<WebhookSubscription>? matches)
    {
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var subscription = subscriptions[i];
            // Disabled subscriptions get their deliveries too: the worker holds them until the subscription is enabled again.
            if (subscription.State is WebhookSubscriptionState.Active or WebhookSubscriptionState.Disabled
                && WebhookEventPatterns.MatchesAny(subscription.EventPatterns, eventType)
                && WebhookAttributeFilters.Matches(subscription.Filters, attributes))
            {
                (matches ??= []).Add(subscription);
            }
        }
    }

    private static WebhookSubscription? Find(IReadOnlyList<WebhookSubscription> subscriptions, string subscriptionId)
    {
        for (var i = 0; i < subscriptions.Count; i++)
        {
            if (subscriptions[i].Id == subscriptionId)
            {
                return subscriptions[i];
            }
        }

        return null;
    }

    public void Invalidate(string tenantId) => _tenants.TryRemove(tenantId, out _);

    private async ValueTask<IReadOnlyList<WebhookSubscription>> GetTenantSubscriptionsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_tenants.TryGetValue(tenantId, out var entry))
        {
            if (now - entry.CheckedAt < options.CurrentValue.SubscriptionCacheDuration)
            {
                return entry.Subscriptions;
            }

            // Stale: a cheap version read tells whether anything changed anywhere since the entry was loaded.
            var version = await store.GetSubscriptionVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version == entry.Version)
            {
                _tenants.TryUpdate(tenantId, entry with { CheckedAt = now }, entry);
                return entry.Subscriptions;
            }
        }

        var loadedVersion = await store.GetSubscriptionVersionAsync(cancellationToken).ConfigureAwait(false);
        var loaded = await store.GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        _tenants[tenantId] = new TenantEntry(loaded, loadedVersion, now);
        return loaded;
    }

    private sealed record TenantEntry(IReadOnlyList<WebhookSubscription> Subscriptions, long Version, DateTimeOffset CheckedAt);
}
