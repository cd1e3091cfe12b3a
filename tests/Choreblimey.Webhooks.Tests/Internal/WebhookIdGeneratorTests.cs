using Choreblimey.Webhooks.Testing;
using System.Text.RegularExpressions;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Tests.Internal;

public sealed partial class WebhookIdGeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{26}$")]
    private static partial Regex Crockford();

    [Fact]
    public void Ids_are_the_prefix_and_26_crockford_characters()
    {
        var ids = new WebhookIdGenerator(new WebhookTestClock(Start));

        foreach (var (id, prefix) in new[] { (ids.NewMessageId(), "msg_"), (ids.NewDeliveryId(), "dlv_"), (ids.NewSubscriptionId(), "sub_"), (ids.Create("x_"), "x_") })
        {
            Assert.StartsWith(prefix, id, StringComparison.Ordinal);
            Assert.Matches(Crockford(), id[prefix.Length..]);
        }
    }

    [Fact]
    public void The_first_ten_characters_encode_the_unix_milliseconds()
    {
        var id = new WebhookIdGenerator(new WebhookTestClock(Start)).Create("");
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

        var milliseconds = id[..10].Aggregate(0L, (value, c) => (value * 32) + alphabet.IndexOf(c, StringComparison.Ordinal));

        Assert.Equal(Start.ToUnixTimeMilliseconds(), milliseconds);
    }

    [Fact]
    public void Ten_thousand_ids_in_one_millisecond_are_unique_and_strictly_increasing()
    {
        var ids = new WebhookIdGenerator(new WebhookTestClock(Start));

        AssertStrictlyIncreasing(Enumerable.Range(0, 10_000).Select(_ => ids.NewMessageId()).ToList());
    }

    [Fact]
    public void Ten_thousand_ids_on_the_real_clock_are_unique_and_strictly_increasing()
    {
        var ids = new WebhookIdGenerator(TimeProvider.System);

        AssertStrictlyIncreasing(Enumerable.Range(0, 10_000).Select(_ => ids.NewDeliveryId()).ToList());
    }

    [Fact]
    public void Ids_stay_increasing_when_the_clock_goes_backwards()
    {
        var ids = new WebhookIdGenerator(new SteppingClock(Start, Start.AddSeconds(-10), Start.AddMilliseconds(-1)));

        var first = ids.Create("m_");
        var second = ids.Create("m_");
        var third = ids.Create("m_");

        Assert.True(string.CompareOrdinal(second, first) > 0, $"{second} should sort after {first}");
        Assert.True(string.CompareOrdinal(third, second) > 0, $"{third} should sort after {second}");
    }

    [Fact]
    public void An_id_one_millisecond_later_sorts_after_every_earlier_one()
    {
        var clock = new WebhookTestClock(Start);
        var ids = new WebhookIdGenerator(clock);
        var earlier = Enumerable.Range(0, 1_000).Select(_ => ids.NewMessageId()).ToList();

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var later = ids.NewMessageId();

        Assert.All(earlier, id => Assert.True(string.CompareOrdinal(later, id) > 0, $"{later} should sort after {id}"));
    }

    [Fact]
    public void Ids_from_a_later_time_sort_after_ids_from_an_earlier_time_across_generators()
    {
        for (var round = 0; round < 200; round++)
        {
            var earlier = new WebhookIdGenerator(new WebhookTestClock(Start));
            var later = new WebhookIdGenerator(new WebhookTestClock(Start.AddMilliseconds(1)));

            // Many ids from the earlier generator push its random part up; it must still stay below the next millisecond.
            var last = Enumerable.Range(0, 50).Select(_ => earlier.NewMessageId()).Last();
            var next = later.NewMessageId();

            Assert.True(string.CompareOrdinal(next, last) > 0, $"{next} should sort after {last}");
        }
    }

    private static void AssertStrictlyIncreasing(List<string> ids)
    {
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"id {i} ({ids[i]}) does not sort after {ids[i - 1]}");
        }
    }

    private sealed class SteppingClock(params DateTimeOffset[] times) : TimeProvider
    {
        private int _next;

        public override DateTimeOffset GetUtcNow() => times[Math.Min(_next++, times.Length - 1)];
    }
}
