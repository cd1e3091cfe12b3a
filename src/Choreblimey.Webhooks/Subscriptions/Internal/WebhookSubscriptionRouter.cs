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

    public async ValueTask<IReadOnlyList<WebhookSubscription>> GetMatchingActiveAsync(string tenantId, string eventType, CancellationToken cancellationToken)
    {
        var subscriptions = await GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        List<WebhookSubscription>? matches = null;
        foreach (var subscription in subscriptions)
        {
            // Disabled subscriptions get their deliveries too; the worker holds them until the subscription is enabled (issue 4).
            if (subscription.State is WebhookSubscriptionState.Active or WebhookSubscriptionState.Disabled && WebhookEventPatterns.MatchesAny(subscription.EventPatterns, eventType))
            {
                (matches ??= []).Add(subscription);
            }
        }

        return (IReadOnlyList<WebhookSubscription>?)matches ?? [];
    }

    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken)
    {
        var subscriptions = await GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        foreach (var subscription in subscriptions)
        {
            if (subscription.Id == subscriptionId)
            {
                return subscription;
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
