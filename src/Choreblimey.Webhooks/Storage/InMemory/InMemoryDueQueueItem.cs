namespace Choreblimey.Webhooks;

/// <summary>
/// What <see cref="InMemoryDueQueue"/> keeps of a pending delivery: its id and priority, and where it is queued. The store's
/// delivery entries derive from it, so a claim finds its entry without a lookup.
/// </summary>
internal abstract class InMemoryDueQueueItem(string id, WebhookPriority priority)
{
    /// <summary>Gets the delivery's id, the last part of the due order.</summary>
    public string Id { get; } = id;

    /// <summary>Gets the priority the delivery was published with; it never changes.</summary>
    public WebhookPriority Priority { get; } = priority;

    /// <summary>
    /// Gets or sets the version of the item's latest place in a heap. Each push and each removal changes it, so an older copy
    /// left in a heap (removals are lazy) is recognised as stale.
    /// </summary>
    internal int Version { get; set; }

    /// <summary>Gets or sets whether the item is queued, due or leased.</summary>
    internal bool IsQueued { get; set; }

    /// <summary>Gets or sets whether the item is queued as leased (until its lease expires) rather than due.</summary>
    internal bool IsLeased { get; set; }
}
