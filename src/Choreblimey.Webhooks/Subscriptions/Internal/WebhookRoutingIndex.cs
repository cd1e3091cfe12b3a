namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// One tenant's subscriptions indexed for routing, built once each time the router loads the tenant: by id, by exact event
/// type, by wildcard prefix (<c>chore:*</c> under <c>chore:</c>) and the match-all <c>*</c>. Finding the candidates for an
/// event costs one lookup per distinct prefix length, whatever the number of subscriptions; matches keep the store's order.
/// </summary>
internal sealed class WebhookRoutingIndex
{
    /// <summary>Tenants with at most this many subscriptions are scanned; an index does not pay for itself below it.</summary>
    private const int ScanThreshold = 16;

    [ThreadStatic]
    private static List<int>? t_candidates;

    private readonly IReadOnlyList<WebhookSubscription> _subscriptions;
    private readonly Dictionary<string, WebhookSubscription>? _byId;
    private readonly Dictionary<string, int[]>? _exact;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _prefixes;
    private readonly bool _hasPrefixes;
    private readonly int[] _prefixLengths = [];
    private readonly int[] _all = [];

    public WebhookRoutingIndex(IReadOnlyList<WebhookSubscription> subscriptions)
    {
        _subscriptions = subscriptions;
        if (subscriptions.Count <= ScanThreshold)
        {
            return;
        }

        _byId = new Dictionary<string, WebhookSubscription>(subscriptions.Count, StringComparer.Ordinal);
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var all = new List<int>();
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var subscription = subscriptions[i];
            _byId.TryAdd(subscription.Id, subscription);
            foreach (var pattern in subscription.EventPatterns)
            {
                if (pattern == WebhookEventPatterns.All)
                {
                    Add(all, i);
                }
                else if (pattern.Length > 0 && pattern[^1] == '*')
                {
                    Add(GetList(prefixes, pattern[..^1]), i);
                }
                else
                {
                    Add(GetList(exact, pattern), i);
                }
            }
        }

        _exact = exact.ToDictionary(static p => p.Key, static p => p.Value.ToArray(), StringComparer.Ordinal);
        var prefixArrays = prefixes.ToDictionary(static p => p.Key, static p => p.Value.ToArray(), StringComparer.Ordinal);
        _prefixes = prefixArrays.GetAlternateLookup<ReadOnlySpan<char>>();
        _hasPrefixes = prefixArrays.Count > 0;
        _prefixLengths = [.. prefixArrays.Keys.Select(static k => k.Length).Distinct().Order()];
        _all = [.. all];

        static List<int> GetList(Dictionary<string, List<int>> map, string key)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            return list;
        }

        // A subscription listing two patterns of the same kind (chore:* and chore:created are different kinds) is added once.
        static void Add(List<int> list, int index)
        {
            if (list.Count == 0 || list[^1] != index)
            {
                list.Add(index);
            }
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
            candidates.AddRange(exact);
            sources++;
        }

        if (_all.Length > 0)
        {
            candidates.AddRange(_all);
            sources++;
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
                    candidates.AddRange(prefixed);
                    sources++;
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
}
