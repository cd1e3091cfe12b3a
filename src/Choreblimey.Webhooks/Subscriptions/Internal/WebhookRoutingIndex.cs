namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// One tenant's subscriptions indexed for routing, built once each time the router loads the tenant: by id, by exact event
/// type, by wildcard prefix (<c>chore:*</c> under <c>chore:</c>) and the match-all <c>*</c>, and within each of those by
/// the value of an equality attribute filter. Finding the candidates for an event costs a few lookups, whatever the number
/// of subscriptions; matches keep the store's order.
/// </summary>
internal sealed class WebhookRoutingIndex
{
    /// <summary>Tenants with at most this many subscriptions are scanned; an index does not pay for itself below it.</summary>
    private const int ScanThreshold = 16;

    [ThreadStatic]
    private static List<int>? t_candidates;

    private readonly IReadOnlyList<WebhookSubscription> _subscriptions;
    private readonly Dictionary<string, WebhookSubscription>? _byId;
    private readonly Dictionary<string, Bucket>? _exact;
    private readonly Dictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _prefixes;
    private readonly bool _hasPrefixes;
    private readonly int[] _prefixLengths = [];
    private readonly Bucket? _all;

    public WebhookRoutingIndex(IReadOnlyList<WebhookSubscription> subscriptions)
    {
        _subscriptions = subscriptions;
        if (subscriptions.Count <= ScanThreshold)
        {
            return;
        }

        _byId = new Dictionary<string, WebhookSubscription>(subscriptions.Count, StringComparer.Ordinal);
        var exact = new Dictionary<string, BucketBuilder>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, BucketBuilder>(StringComparer.Ordinal);
        var all = new BucketBuilder();
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var subscription = subscriptions[i];
            _byId.TryAdd(subscription.Id, subscription);
            foreach (var pattern in subscription.EventPatterns)
            {
                if (pattern == WebhookEventPatterns.All)
                {
                    all.Add(i, subscription);
                }
                else if (pattern.Length > 0 && pattern[^1] == '*')
                {
                    GetBuilder(prefixes, pattern[..^1]).Add(i, subscription);
                }
                else
                {
                    GetBuilder(exact, pattern).Add(i, subscription);
                }
            }
        }

        _exact = exact.ToDictionary(static p => p.Key, static p => p.Value.Build(), StringComparer.Ordinal);
        var prefixBuckets = prefixes.ToDictionary(static p => p.Key, static p => p.Value.Build(), StringComparer.Ordinal);
        _prefixes = prefixBuckets.GetAlternateLookup<ReadOnlySpan<char>>();
        _hasPrefixes = prefixBuckets.Count > 0;
        _prefixLengths = [.. prefixBuckets.Keys.Select(static k => k.Length).Distinct().Order()];
        _all = all.IsEmpty ? null : all.Build();

        static BucketBuilder GetBuilder(Dictionary<string, BucketBuilder> map, string key)
        {
            if (!map.TryGetValue(key, out var builder))
            {
                map[key] = builder = new BucketBuilder();
            }

            return builder;
        }
    }

    public IReadOnlyList<WebhookSubscription> Subscriptions => _subscriptions;

    /// <summary>Adds the active (or disabled) subscriptions matching the event type and attributes, in store order.</summary>
    public void AddMatches(string eventType, IReadOnlyDictionary<string, string>? attributes, ref List<WebhookSubscription>? matches)
    {
        if (_exact is null)
        {
            for (var i = 0; i < _subscriptions.Count; i++)
            {
                TryAdd(_subscriptions[i], eventType, attributes, ref matches);
            }

            return;
        }

        var candidates = t_candidates ??= [];
        candidates.Clear();
        var sources = 0;
        if (_exact.TryGetValue(eventType, out var exact))
        {
            sources += exact.AddCandidates(attributes, candidates);
        }

        if (_all is not null)
        {
            sources += _all.AddCandidates(attributes, candidates);
        }

        if (_hasPrefixes)
        {
            foreach (var length in _prefixLengths)
            {
                if (length >= eventType.Length)
                {
                    break;
                }

                if (_prefixes.TryGetValue(eventType.AsSpan(0, length), out var prefixed))
                {
                    sources += prefixed.AddCandidates(attributes, candidates);
                }
            }
        }

        if (sources > 1)
        {
            candidates.Sort();
        }

        var previous = -1;
        foreach (var index in candidates)
        {
            if (index != previous)
            {
                TryAdd(_subscriptions[index], eventType, attributes, ref matches);
                previous = index;
            }
        }

        candidates.Clear();
    }

    public WebhookSubscription? Find(string subscriptionId)
    {
        if (_byId is not null)
        {
            return _byId.GetValueOrDefault(subscriptionId);
        }

        for (var i = 0; i < _subscriptions.Count; i++)
        {
            if (_subscriptions[i].Id == subscriptionId)
            {
                return _subscriptions[i];
            }
        }

        return null;
    }

    private static void TryAdd(WebhookSubscription subscription, string eventType, IReadOnlyDictionary<string, string>? attributes, ref List<WebhookSubscription>? matches)
    {
        // Disabled subscriptions get their deliveries too: the worker holds them until the subscription is enabled again.
        if (subscription.State is WebhookSubscriptionState.Active or WebhookSubscriptionState.Disabled
            && WebhookEventPatterns.MatchesAny(subscription.EventPatterns, eventType)
            && WebhookAttributeFilters.Matches(subscription.Filters, attributes))
        {
            (matches ??= []).Add(subscription);
        }
    }

    /// <summary>
    /// The subscriptions under one pattern key. Those with an equality filter (<see cref="WebhookFilterOperator.Equals"/> or
    /// <see cref="WebhookFilterOperator.In"/>) are filed under its attribute and values, since an event can only match them
    /// when it carries one of those values; the rest are always candidates. Every candidate is still checked in full.
    /// </summary>
    private sealed class Bucket(int[] unfiltered, KeyValuePair<string, Dictionary<string, int[]>>[] byFilter)
    {
        public int AddCandidates(IReadOnlyDictionary<string, string>? attributes, List<int> candidates)
        {
            var sources = 0;
            if (unfiltered.Length > 0)
            {
                candidates.AddRange(unfiltered);
                sources++;
            }

            if (attributes is null)
            {
                return sources;
            }

            foreach (var (attribute, byValue) in byFilter)
            {
                // The caller's dictionary decides how attribute names compare, as it does for the filters themselves.
                if (attributes.TryGetValue(attribute, out var value) && value is not null && byValue.TryGetValue(value, out var filed))
                {
                    candidates.AddRange(filed);
                    sources++;
                }
            }

            return sources;
        }
    }

    private sealed class BucketBuilder
    {
        private readonly List<int> _unfiltered = [];
        private readonly Dictionary<string, Dictionary<string, List<int>>> _byFilter = new(StringComparer.Ordinal);
        private int _last = -1;

        public bool IsEmpty => _last < 0;

        public void Add(int index, WebhookSubscription subscription)
        {
            // A subscription listing two patterns under the same key is filed once.
            if (index == _last)
            {
                return;
            }

            _last = index;
            var filter = subscription.Filters?.FirstOrDefault(static f => f.Operator is WebhookFilterOperator.Equals or WebhookFilterOperator.In);
            if (filter is null)
            {
                _unfiltered.Add(index);
                return;
            }

            if (!_byFilter.TryGetValue(filter.Attribute, out var byValue))
            {
                _byFilter[filter.Attribute] = byValue = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            }

            foreach (var value in filter.Values.Distinct(StringComparer.Ordinal))
            {
                if (!byValue.TryGetValue(value, out var list))
                {
                    byValue[value] = list = [];
                }

                list.Add(index);
            }
        }

        public Bucket Build() => new(
            [.. _unfiltered],
            [.. _byFilter.Select(static p => new KeyValuePair<string, Dictionary<string, int[]>>(
                p.Key, p.Value.ToDictionary(static v => v.Key, static v => v.Value.ToArray(), StringComparer.Ordinal)))]);
    }
}
