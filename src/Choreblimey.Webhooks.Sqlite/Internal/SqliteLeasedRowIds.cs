namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// The rowids of the deliveries the writer leased, by delivery id, so that recording an attempt finds its row by rowid
/// instead of through the primary key's index (a search of that index cost the single writer about a quarter of the
/// record's <c>UPDATE</c>). A hint only: a use checks the row's id too, and a missing or stale rowid falls back to the id.
/// Used only by the writer's operations, one at a time, so it needs no lock.
/// </summary>
internal sealed class SqliteLeasedRowIds
{
    // The leases a worker holds at once are its concurrency plus a claim batch or two; ids of leases that are never recorded
    // (a lease left to expire) would otherwise stay. Past this many the hints are dropped and records use the id until the
    // next claims.
    internal const int MaxCount = 16_384;

    private readonly Dictionary<string, long> _rowIds = new(StringComparer.Ordinal);

    /// <summary>Gets how many hints are held.</summary>
    public int Count => _rowIds.Count;

    /// <summary>Remembers that <paramref name="deliveryId"/> was leased from row <paramref name="rowId"/>.</summary>
    public void Add(string deliveryId, long rowId)
    {
        if (_rowIds.Count >= MaxCount && !_rowIds.ContainsKey(deliveryId))
        {
            _rowIds.Clear();
        }

        _rowIds[deliveryId] = rowId;
    }

    /// <summary>Takes the hint for <paramref name="deliveryId"/>, if one is held.</summary>
    public bool TryTake(string deliveryId, out long rowId) => _rowIds.Remove(deliveryId, out rowId);
}
