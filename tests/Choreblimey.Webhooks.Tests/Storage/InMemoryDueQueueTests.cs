namespace Choreblimey.Webhooks.Tests.Storage;

/// <summary>The in-memory store's due queue: claim order, leases that expire, lazy removals and the heaps' bound.</summary>
public sealed class InMemoryDueQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryDueQueue _queue = new();

    [Fact]
    public void Due_items_are_taken_by_priority_then_due_time_then_id_and_not_before_they_are_due()
    {
        var normalLate = Item("n-late");
        var normalB = Item("n-b");
        var normalA = Item("n-a");
        var low = Item("low", WebhookPriority.Low);
        var high = Item("high", WebhookPriority.High);
        var highLater = Item("high-later", WebhookPriority.High);
        _queue.Add(normalLate, T0.AddSeconds(2));
        _queue.Add(normalB, T0);
        _queue.Add(normalA, T0);
        _queue.Add(low, T0.AddSeconds(-5));
        _queue.Add(high, T0.AddSeconds(1));
        _queue.Add(highLater, T0.AddSeconds(10));

        Assert.Equal(T0.AddSeconds(-5), _queue.NextDueAt);
        Assert.Equal(["high", "n-a", "n-b", "low"], TakeAll(T0.AddSeconds(1)));
        Assert.Equal(2, _queue.Count);
        Assert.Equal(T0.AddSeconds(2), _queue.NextDueAt);
        Assert.Equal(["n-late"], TakeAll(T0.AddSeconds(5)));
        Assert.Equal(["high-later"], TakeAll(T0.AddSeconds(10)));
        Assert.Null(_queue.NextDueAt);
    }

    [Fact]
    public void A_lease_that_expires_unrecorded_is_due_at_its_expiry_in_the_due_order()
    {
        var leased = Item("z-leased");
        var due = Item("a-due");
        var later = Item("b-later");
        _queue.AddLeased(leased, T0.AddMinutes(1));
        _queue.Add(due, T0.AddMinutes(2));
        _queue.Add(later, T0.AddMinutes(3));

        Assert.Equal(T0.AddMinutes(1), _queue.NextDueAt);
        Assert.Equal(3, _queue.Count);
        Assert.Equal(["a-due", "b-later", "z-leased"], [.. _queue.Items.Select(i => i.Id).Order(StringComparer.Ordinal)]);
        Assert.Empty(TakeAll(T0.AddSeconds(59)));

        // Expired at 1 min, it comes before the delivery due at 2 min although its id sorts after it.
        Assert.Equal(["z-leased", "a-due"], TakeAll(T0.AddMinutes(2)));
    }

    [Fact]
    public void A_removed_item_is_neither_taken_nor_listed_nor_counted_and_adding_again_moves_it()
    {
        var removedDue = Item("removed-due");
        var removedLease = Item("removed-lease");
        var moved = Item("moved");
        var kept = Item("kept");
        _queue.Add(removedDue, T0);
        _queue.AddLeased(removedLease, T0);
        _queue.Add(moved, T0);
        _queue.Add(kept, T0.AddSeconds(1));

        _queue.Remove(removedDue);
        _queue.Remove(removedLease);
        _queue.Remove(removedLease);
        _queue.Add(moved, T0.AddSeconds(5));

        Assert.Equal(2, _queue.Count);
        Assert.Equal(["kept", "moved"], [.. _queue.Items.Select(i => i.Id).Order(StringComparer.Ordinal)]);
        Assert.Equal(T0.AddSeconds(1), _queue.NextDueAt);
        Assert.Equal(["kept"], TakeAll(T0.AddSeconds(4)));
        Assert.Equal(["moved"], TakeAll(T0.AddSeconds(5)));
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public void Stale_copies_left_by_removals_are_compacted_so_the_heaps_hold_at_most_about_twice_what_is_queued()
    {
        // The worker's cycle: a delivery is taken, leased, then recorded (removed) while its lease is far from expiring, so
        // nothing ever pops the lease heap's stale copies; and pending deliveries moved again and again (re-queued) leave
        // stale copies deep in the due heap.
        var waiting = Enumerable.Range(0, 100).Select(i => Item($"w-{i:D3}")).ToList();
        foreach (var item in waiting)
        {
            _queue.Add(item, T0.AddDays(1));
        }

        for (var i = 0; i < 10_000; i++)
        {
            var item = Item($"d-{i:D5}");
            _queue.Add(item, T0);
            Assert.True(_queue.TryTakeDue(T0, out var taken));
            Assert.Same(item, taken);
            _queue.AddLeased(item, T0.AddMinutes(5));
            _queue.Remove(item);
            _queue.Add(waiting[i % waiting.Count], T0.AddDays(1).AddTicks(i));
        }

        Assert.Equal(waiting.Count, _queue.Count);
        Assert.InRange(_queue.HeapEntries, waiting.Count, (2 * waiting.Count) + 64);
        Assert.Equal(waiting.Count, _queue.Items.Count());
    }

    private List<string> TakeAll(DateTimeOffset now)
    {
        var taken = new List<string>();
        while (_queue.TryTakeDue(now, out var item))
        {
            taken.Add(item.Id);
        }

        return taken;
    }

    private static TestItem Item(string id, WebhookPriority priority = WebhookPriority.Normal) => new(id, priority);

    private sealed class TestItem(string id, WebhookPriority priority) : InMemoryDueQueueItem(id, priority);
}
