namespace Choreblimey.Webhooks;

/// <summary>
/// Ids ordered by a time (then ordinally by id), so the in-memory store's retention reads only what is old enough instead
/// of every logged delivery or message on each purge batch. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class InMemoryTimeIndex
{
    private static readonly Comparer<(DateTimeOffset At, string Id)> Order = Comparer<(DateTimeOffset At, string Id)>.Create(
        static (x, y) => x.At != y.At ? x.At.CompareTo(y.At) : string.CompareOrdinal(x.Id, y.Id));

    private readonly SortedSet<(DateTimeOffset At, string Id)> _set = new(Order);

    public void Add(DateTimeOffset at, string id) => _set.Add((at, id));

    public void Remove(DateTimeOffset at, string id) => _set.Remove((at, id));

    /// <summary>The ids whose time is before <paramref name="before"/>, oldest first (a snapshot: the caller may change the index after).</summary>
    public List<string> Before(DateTimeOffset before, Func<string, bool> take, int max)
    {
        var ids = new List<string>(Math.Min(max, 1024));
        foreach (var (at, id) in _set)
        {
            if (at >= before || ids.Count == max)
            {
                break;
            }

            if (take(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
