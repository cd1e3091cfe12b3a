namespace Choreblimey.Webhooks;

/// <summary>
/// The in-memory store's pending deliveries: one heap per <see cref="WebhookPriority"/> of those waiting to be claimed,
/// ordered by (due time, id), and one heap of leased deliveries ordered by when their leases expire. A claim takes due
/// deliveries by priority first, then due time, like the SQL stores' <c>ORDER BY priority DESC, next_attempt_at, id</c>;
/// a lease that expired unrecorded becomes due again at its expiry, in that same order. Not thread-safe: the store calls
/// it under its lock.
/// </summary>
/// <remarks>
/// Heaps rather than sorted trees: a publish appends at about the end of a heap and a claim takes its top, without a tree
/// node per entry, and a recorded attempt's removal is a version change. A removed item's older copy stays in its heap until
/// it reaches the top or the heap is compacted (when more than half of it is stale), so the heaps hold at most about twice
/// what is pending.
/// </remarks>
internal sealed class InMemoryDueQueue
{
    // Ids compare ordinally, as the SQL stores' binary collation does: the tuple's default comparer would compare them with
    // the current culture's collation, which is slower and orders differently.
    private static readonly Comparer<(DateTimeOffset DueAt, string Id)> DueOrder = Comparer<(DateTimeOffset DueAt, string Id)>.Create(
        static (x, y) => x.DueAt != y.DueAt ? x.DueAt.CompareTo(y.DueAt) : string.CompareOrdinal(x.Id, y.Id));

    // Below this many entries a heap is never compacted: rebuilding a small heap costs more than its stale entries do.
    private const int CompactionFloor = 64;

    // Highest priority first.
    private readonly PriorityQueue<(InMemoryDueQueueItem Item, int Version), (DateTimeOffset DueAt, string Id)>[] _due =
        [new(DueOrder), new(DueOrder), new(DueOrder)];

    private readonly int[] _dueCounts = new int[3];
    private readonly PriorityQueue<(InMemoryDueQueueItem Item, int Version), DateTimeOffset> _leased = new();
    private int _leasedCount;

    /// <summary>Gets the number of pending deliveries, leased ones included.</summary>
    public int Count => _dueCounts[0] + _dueCounts[1] + _dueCounts[2] + _leasedCount;

    /// <summary>Gets the number of entries the heaps hold, stale ones included; for tests of the compaction.</summary>
    internal int HeapEntries => _due[0].Count + _due[1].Count + _due[2].Count + _leased.Count;

    /// <summary>Gets the earliest due time of any priority or lease expiry, or <see langword="null"/> when nothing is pending.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            DateTimeOffset? next = TryPeekLive(_leased, out _, out var expiresAt) ? expiresAt : null;
            foreach (var heap in _due)
            {
                if (TryPeekLive(heap, out _, out var key) && (next is null || key.DueAt < next))
                {
                    next = key.DueAt;
                }
            }

            return next;
        }
    }

    /// <summary>Gets every pending item (leased ones included), in no particular order.</summary>
    public IEnumerable<InMemoryDueQueueItem> Items => _due
        .SelectMany(static heap => heap.UnorderedItems.Select(static e => e.Element))
        .Concat(_leased.UnorderedItems.Select(static e => e.Element))
        .Where(static e => e.Item.Version == e.Version)
        .Select(static e => e.Item);

    /// <summary>Queues the item as due at <paramref name="dueAt"/>, wherever it was queued before.</summary>
    public void Add(InMemoryDueQueueItem item, DateTimeOffset dueAt)
    {
        Remove(item);
        var index = IndexOf(item.Priority);
        item.IsQueued = true;
        item.IsLeased = false;
        _due[index].Enqueue((item, ++item.Version), (dueAt, item.Id));
        _dueCounts[index]++;
    }

    /// <summary>Queues the item as leased until <paramref name="expiresAt"/>, when it becomes due again unless removed first.</summary>
    public void AddLeased(InMemoryDueQueueItem item, DateTimeOffset expiresAt)
    {
        Remove(item);
        item.IsQueued = true;
        item.IsLeased = true;
        _leased.Enqueue((item, ++item.Version), expiresAt);
        _leasedCount++;
    }

    /// <summary>Takes the item out of the queue, due or leased; nothing happens when it is not queued.</summary>
    public void Remove(InMemoryDueQueueItem item)
    {
        if (!item.IsQueued)
        {
            return;
        }

        item.IsQueued = false;
        item.Version++;
        if (item.IsLeased)
        {
            _leasedCount--;
            CompactIfSparse(_leased, _leasedCount);
        }
        else
        {
            var index = IndexOf(item.Priority);
            _dueCounts[index]--;
            CompactIfSparse(_due[index], _dueCounts[index]);
        }
    }

    /// <summary>
    /// Removes and returns the highest-priority, then earliest, item due at <paramref name="now"/>; leases expired by then
    /// count as due at their expiry.
    /// </summary>
    public bool TryTakeDue(DateTimeOffset now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InMemoryDueQueueItem? item)
    {
        while (TryPeekLive(_leased, out var leased, out var expiresAt) && expiresAt <= now)
        {
            _leased.Dequeue();
            _leasedCount--;
            leased.IsQueued = false;
            Add(leased, expiresAt);
        }

        for (var index = 0; index < _due.Length; index++)
        {
            var heap = _due[index];
            if (TryPeekLive(heap, out item, out var key) && key.DueAt <= now)
            {
                heap.Dequeue();
                _dueCounts[index]--;
                item.IsQueued = false;
                item.Version++;
                return true;
            }
        }

        item = null;
        return false;
    }

    /// <summary>Peeks at the heap's top after dropping the stale copies above it.</summary>
    private static bool TryPeekLive<TPriority>(
        PriorityQueue<(InMemoryDueQueueItem Item, int Version), TPriority> heap,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InMemoryDueQueueItem? item,
        [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TPriority priority)
    {
        while (heap.TryPeek(out var entry, out priority))
        {
            if (entry.Item.Version == entry.Version)
            {
                item = entry.Item;
                return true;
            }

            heap.Dequeue();
        }

        item = null;
        return false;
    }

    /// <summary>Rebuilds the heap from its live entries once stale ones are the majority, so removals stay amortised O(1).</summary>
    private static void CompactIfSparse<TPriority>(PriorityQueue<(InMemoryDueQueueItem Item, int Version), TPriority> heap, int live)
    {
        if (heap.Count <= CompactionFloor || heap.Count <= 2 * live)
        {
            return;
        }

        var kept = new List<((InMemoryDueQueueItem Item, int Version), TPriority)>(live);
        foreach (var entry in heap.UnorderedItems)
        {
            if (entry.Element.Item.Version == entry.Element.Version)
            {
                kept.Add(entry);
            }
        }

        heap.Clear();
        heap.EnqueueRange(kept);
    }

    private static int IndexOf(WebhookPriority priority) => priority switch
    {
        WebhookPriority.High => 0,
        WebhookPriority.Low => 2,
        _ => 1,
    };
}
