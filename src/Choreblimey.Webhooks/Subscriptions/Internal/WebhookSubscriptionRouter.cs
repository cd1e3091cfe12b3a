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
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ValueTask<IReadOnlyList<WebhookSubscription>> GetMatchingActiveAsync(string tenantId, string eventType, CancellationToken cancellationToken) =>
        GetMatchingActiveAsync(tenantId, eventType, null, cancellationToken);

    /// <summary>
    /// Gets the tenant's subscriptions that receive deliveries (active, or disabled and held; never paused) whose patterns match <paramref name="eventType"/> and whose attribute filters all
    /// match <paramref name="attributes"/>. Reads the store only when the tenant's cache entry is cold or stale; allocates
    /// nothing but the result list when something matches.
    /// </summary>
    public async ValueTask<IReadOnlyList<WebhookSubscription>> GetMatchingActiveAsync(
        string tenantId, string eventType, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        List<WebhookSubscription>? matches = null;
        (await GetTenantIndexAsync(tenantId, cancellationToken).ConfigureAwait(false)).AddMatches(eventType, attributes, ref matches);
        if (tenantId != WebhookTenants.All)
        {
            // Host-level endpoints (configuration, WEBHOOK_URL) receive every tenant's events.
            (await GetTenantIndexAsync(WebhookTenants.All, cancellationToken).ConfigureAwait(false)).AddMatches(eventType, attributes, ref matches);
        }

        return (IReadOnlyList<WebhookSubscription>?)matches ?? [];
    }

    /// <summary>Gets a subscription a delivery of <paramref name="tenantId"/> may go to: the tenant's own, or a host-level one.</summary>
    public async ValueTask<WebhookSubscription?> GetSubscriptionAsync(string tenantId, string subscriptionId, CancellationToken cancellationToken) =>
        (await GetTenantIndexAsync(tenantId, cancellationToken).ConfigureAwait(false)).Find(subscriptionId)
        ?? (tenantId == WebhookTenants.All
            ? null
            : (await GetTenantIndexAsync(WebhookTenants.All, cancellationToken).ConfigureAwait(false)).Find(subscriptionId));

    public void Invalidate(string tenantId)
    {
        lock (_gate)
        {
            // A load that began before this change must not put what it read back into the cache afterwards.
            _generations[tenantId] = _generations.GetValueOrDefault(tenantId) + 1;
            _tenants.TryRemove(tenantId, out _);
        }
    }

    private async ValueTask<WebhookRoutingIndex> GetTenantIndexAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_tenants.TryGetValue(tenantId, out var entry))
        {
            if (now - entry.CheckedAt < options.CurrentValue.SubscriptionCacheDuration)
            {
                return entry.Index;
            }

            // Stale: a cheap version read tells whether anything changed anywhere since the entry was loaded.
            var version = await store.GetSubscriptionVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version == entry.Version)
            {
                _tenants.TryUpdate(tenantId, entry with { CheckedAt = now }, entry);
                return entry.Index;
            }
        }

        long generation;
        lock (_gate)
        {
            generation = _generations.GetValueOrDefault(tenantId);
        }

        var loadedVersion = await store.GetSubscriptionVersionAsync(cancellationToken).ConfigureAwait(false);
        var loaded = await store.GetTenantSubscriptionsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var index = new WebhookRoutingIndex(loaded);
        lock (_gate)
        {
            if (_generations.GetValueOrDefault(tenantId) == generation)
            {
                _tenants[tenantId] = new TenantEntry(index, loadedVersion, now);
            }
        }

        return index;
    }

    private sealed record TenantEntry(WebhookRoutingIndex Index, long Version, DateTimeOffset CheckedAt);
}
