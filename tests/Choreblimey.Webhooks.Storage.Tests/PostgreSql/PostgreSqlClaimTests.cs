using static Choreblimey.Webhooks.Storage.Tests.PostgreSql.PostgreSqlTestData;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>The claim takes due deliveries per priority band; together the bands must behave as one ordered queue.</summary>
[Collection(PostgreSqlCollectionDefinition.Name)]
public sealed class PostgreSqlClaimTests(PostgreSqlServerFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Claims_take_every_priority_band_in_order_including_priorities_outside_the_named_ones()
    {
        var store = await fixture.CreatePostgreSqlStoreAsync();
        var message = Message("tenant-a");
        (int Priority, int DueSecondsBeforeT0)[] plan =
        [
            (0, 30), (-1, 50), (7, 1), (1, 5), (-9, 99), (0, 40), (2, 2), (1, 20), (-2, 60), (0, 10),
        ];
        var deliveries = plan
            .Select(p => PostgreSqlTestData.Delivery(message, dueAt: T0.AddSeconds(-p.DueSecondsBeforeT0)) with { Priority = (WebhookPriority)p.Priority })
            .ToArray();
        var notDue = PostgreSqlTestData.Delivery(message, dueAt: T0.AddSeconds(1)) with { Priority = (WebhookPriority)9 };
        await store.InsertMessageAsync(message, [.. deliveries, notDue]);

        // Highest priority first; within a priority, the earliest due first.
        var expected = deliveries
            .OrderByDescending(d => (int)d.Priority)
            .ThenBy(d => d.NextAttemptAt)
            .Select(d => d.Id)
            .ToArray();

        var claimed = new List<string>();
        foreach (var size in new[] { 3, 4, 100 })
        {
            var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", size, T0, Lease));
            Assert.True(leases.Count <= size);
            claimed.AddRange(leases.Select(l => l.Delivery.Id));
        }

        // Rows a band locked but a claim did not take were free again for the next claim.
        Assert.Equal(expected, claimed);
        Assert.Empty(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 100, T0, Lease)));
        Assert.Equal(notDue.Id, Assert.Single(await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("w", 100, T0.AddSeconds(1), Lease))).Delivery.Id);
    }
}
