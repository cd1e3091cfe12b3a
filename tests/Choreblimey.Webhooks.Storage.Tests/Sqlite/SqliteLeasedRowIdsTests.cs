using Choreblimey.Webhooks.Sqlite.Internal;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

public sealed class SqliteLeasedRowIdsTests
{
    [Fact]
    public void A_hint_is_taken_once()
    {
        var hints = new SqliteLeasedRowIds();
        hints.Add("dlv_1", 7);
        hints.Add("dlv_1", 9);

        Assert.True(hints.TryTake("dlv_1", out var rowId));
        Assert.Equal(9, rowId);
        Assert.False(hints.TryTake("dlv_1", out _));
    }

    [Fact]
    public void Hints_never_recorded_are_dropped_once_the_bound_is_reached_and_a_renewed_hint_does_not_drop_them()
    {
        var hints = new SqliteLeasedRowIds();
        for (var n = 0; n < SqliteLeasedRowIds.MaxCount; n++)
        {
            hints.Add($"dlv_{n}", n);
        }

        hints.Add("dlv_0", 42);
        Assert.Equal(SqliteLeasedRowIds.MaxCount, hints.Count);

        hints.Add("dlv_new", 1);
        Assert.Equal(1, hints.Count);
        Assert.True(hints.TryTake("dlv_new", out var rowId));
        Assert.Equal(1, rowId);
        Assert.False(hints.TryTake("dlv_0", out _));
    }
}
