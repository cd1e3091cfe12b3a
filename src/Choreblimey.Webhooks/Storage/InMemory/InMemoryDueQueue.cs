namespace Choreblimey.Webhooks;

/// <summary>
/// The in-memory store's pending deliveries, one set per <see cref="WebhookPriority"/> ordered by (due time, id): a claim takes
/// due deliveries by priority first, then due time, like the SQL stores' <c>ORDER BY priority DESC, next_attempt_at, id</c>.
/// Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class InMemoryDueQueue
{
    // Ids compare ordinally, as the SQL stores' binary collation does: the tuple's default comparer would compare them with
    // the current culture's collation, which is slower and orders differently.
    private static readonly Comparer<(DateTimeOffset DueAt, string Id)> DueOrder = Comparer<(DateTimeOffset DueAt, string Id)>.Create(
        static (x, y) => x.DueAt != y.DueAt ? x.DueAt.CompareTo(y.DueAt) : string.CompareOrdinal(x.Id, y.Id));

    // Highest priority first.
    private readonly (WebhookPriority Priority, SortedSet<(DateTimeOffset DueAt, string Id)> Set)[] _sets =
    [
        (WebhookPriority.High, new(DueOrder)),
        (WebhookPriority.Normal, new(DueOrder)),
        (WebhookPriority.Low, new(DueOrder)),
    ];

    /// <summary>Gets the number of pending deliveries.</summary>
    public int Count => _sets[0].Set.Count + _sets[1].Set.Count + _sets[2].Set.Count;

    /// <summary>Gets the earliest due time of any priority, or <see langword="null"/> when nothing is pending.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var (_, set) in _sets)
            {
                if (set.Count > 0 && (next is null || set.Min.DueAt < next))
                {
                    next = set.Min.DueAt;
                }
            }

            return next;
        }
    }

    /// <summary>Gets the ids of every pending delivery (leased ones included), in no particular order.</summary>
    public IEnumerable<string> Ids => _sets.SelectMany(static s => s.Set).Select(static e => e.Id);

    public void Add(WebhookPriority priority, DateTimeOffset dueAt, string id) => SetOf(priority).Add((dueAt, id));

    public void Remove(WebhookPriority priority, DateTimeOffset dueAt, string id) => SetOf(priority).Remove((dueAt, id));

    /// <summary>Removes and returns the id of the highest-priority, then earliest, delivery due at <paramref name="now"/>.</summary>
    public bool TryTakeDue(DateTimeOffset now, out string id)
    {
        foreach (var (_, set) in _sets)
        {
            if (set.Count > 0 && set.Min.DueAt <= now)
            {
                var min = set.Min;
                set.Remove(min);
                id = min.Id;
                return true;
            }
        }

        id = string.Empty;
        return false;
    }

    private SortedSet<(DateTimeOffset DueAt, string Id)> SetOf(WebhookPriority priority) => priority switch
    {
        WebhookPriority.High => _sets[0].Set,
        WebhookPriority.Low => _sets[2].Set,
        _ => _sets[1].Set,
    };
}
