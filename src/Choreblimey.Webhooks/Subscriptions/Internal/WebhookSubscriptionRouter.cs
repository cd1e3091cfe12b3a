using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// Caches each tenant's subscriptions so that publishing and sending do not read the store every time. Local changes
/// invalidate at once; changes made by other instances are seen when an entry is older than
/// <see cref="WebhookOptions.SubscriptionCacheDuration"/> and the store's subscription version has moved, and by the
/// worker's sends within <see cref="WebhookConstants.SubscriptionRevalidationInterval"/> (<see cref="RevalidateAsync"/>).
/// </summary>
internal sealed class WebhookSubscriptionRouter(IWebhookStore store, TimeProvider timeProvider, IOptionsMonitor<WebhookOptions> options)
{
    private readonly ConcurrentDictionary<string, TenantEntry> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TenantRefresh> _refreshes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _revalidatedAtTicks;
    private long _revalidatedVersion = -1;

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

    /// <summary>
    /// Marks every cached tenant stale when the store's subscription version has moved since it was loaded, which a change
    /// made by another instance sharing the store does, so that the next read reloads it. Reads the version at most once per
    /// <paramref name="interval"/>; does nothing while nothing is cached or being loaded, or while the cache's own duration is no
    /// longer than the interval.
    /// </summary>
    /// <remarks>
    /// The worker calls it before each claim: without it, a subscription rotated, paused, deleted or disabled on another
    /// instance was sent to here with what this instance had cached, for up to <see cref="WebhookOptions.SubscriptionCacheDuration"/>.
    /// </remarks>
    public ValueTask RevalidateAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        if (options.CurrentValue.SubscriptionCacheDuration <= interval
            || now - Interlocked.Read(ref _revalidatedAtTicks) < interval.Ticks
            || IsEmpty())
        {
            return ValueTask.CompletedTask;
        }

        // Two callers passing here at once read the version twice, which is harmless.
        Interlocked.Exchange(ref _revalidatedAtTicks, now);
        return RevalidateCoreAsync(cancellationToken);
    }

    private bool IsEmpty()
    {
        lock (_gate)
        {
            return _tenants.IsEmpty && _refreshes.Count == 0;
        }
    }

    private async ValueTask RevalidateCoreAsync(CancellationToken cancellationToken)
    {
        var version = await store.GetSubscriptionVersionAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            // A load in flight may have read the store before the change: later callers must not join it, nor may it put
            // what it read into the cache, as after a local change.
            if (version != _revalidatedVersion)
            {
                foreach (var tenantId in _refreshes.Keys)
                {
                    _generations[tenantId] = _generations.GetValueOrDefault(tenantId) + 1;
                }

                _revalidatedVersion = version;
            }
        }

        foreach (var (tenantId, entry) in _tenants)
        {
            if (entry.Version != version)
            {
                // Stale, not dropped: the next read goes through the shared refresh, which reloads it once for every caller.
                _tenants.TryUpdate(tenantId, entry with { CheckedAt = DateTimeOffset.MinValue }, entry);
            }
        }
    }

    public void Invalidate(string tenantId)
    {
        lock (_gate)
        {
            // A load that began before this change must not put what it read back into the cache afterwards.
            _generations[tenantId] = _generations.GetValueOrDefault(tenantId) + 1;
            _tenants.TryRemove(tenantId, out _);
        }
    }

    private ValueTask<WebhookRoutingIndex> GetTenantIndexAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenantId, out var entry)
            && timeProvider.GetUtcNow() - entry.CheckedAt < options.CurrentValue.SubscriptionCacheDuration)
        {
            return new ValueTask<WebhookRoutingIndex>(entry.Index);
        }

        return RefreshAsync(tenantId, cancellationToken);
    }

    /// <summary>
    /// Checks a stale entry or loads a missing one, once for all callers: every publisher and sender that finds the entry
    /// stale at the same moment waits for the same store reads. Without this, each of them read the store at once when the
    /// entry expired (every <see cref="WebhookOptions.SubscriptionCacheDuration"/>), and a pooled database store opened a
    /// connection for each, leaving a pool many times larger than the store's steady need.
    /// </summary>
    private async ValueTask<WebhookRoutingIndex> RefreshAsync(string tenantId, CancellationToken cancellationToken)
    {
        TenantRefresh refresh;
        var started = false;
        lock (_gate)
        {
            // A refresh that began before a local change must not serve callers that arrive after it: they start their own.
            var generation = _generations.GetValueOrDefault(tenantId);
            if (!_refreshes.TryGetValue(tenantId, out refresh!) || refresh.Generation != generation)
            {
                refresh = new TenantRefresh(generation);
                _refreshes[tenantId] = refresh;
                started = true;
            }
        }

        if (started)
        {
            // Not tied to this caller's token: other callers wait for the same reads.
            _ = RunRefreshAsync(tenantId, refresh);
        }

        return await refresh.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunRefreshAsync(string tenantId, TenantRefresh refresh)
    {
        try
        {
            refresh.Completion.TrySetResult(await LoadAsync(tenantId, refresh.Generation).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // Every waiting caller receives the failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            refresh.Completion.TrySetException(ex);
        }
        finally
        {
            lock (_gate)
            {
                if (_refreshes.TryGetValue(tenantId, out var current) && ReferenceEquals(current, refresh))
                {
                    _refreshes.Remove(tenantId);
                }
            }
        }
    }

    private async Task<WebhookRoutingIndex> LoadAsync(string tenantId, long generation)
    {
        var now = timeProvider.GetUtcNow();
        if (_tenants.TryGetValue(tenantId, out var entry))
        {
            if (now - entry.CheckedAt < options.CurrentValue.SubscriptionCacheDuration)
            {
                return entry.Index;
            }

            // Stale: a cheap version read tells whether anything changed anywhere since the entry was loaded.
            var version = await store.GetSubscriptionVersionAsync(CancellationToken.None).ConfigureAwait(false);
            if (version == entry.Version)
            {
                _tenants.TryUpdate(tenantId, entry with { CheckedAt = now }, entry);
                return entry.Index;
            }
        }

        var loadedVersion = await store.GetSubscriptionVersionAsync(CancellationToken.None).ConfigureAwait(false);
        var loaded = await store.GetTenantSubscriptionsAsync(tenantId, CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>A check or load of one tenant's entry in flight, shared by the callers that need it.</summary>
    private sealed class TenantRefresh(long generation)
    {
        public long Generation { get; } = generation;

        public TaskCompletionSource<WebhookRoutingIndex> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
