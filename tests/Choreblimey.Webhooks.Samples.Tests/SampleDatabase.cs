using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>The SQLite file of samples/Choreblimey.Webhooks.Sample, opened with the library as the sample opens it.</summary>
internal static class SampleDatabase
{
    /// <summary>The sample's tenants (Program.cs).</summary>
    public static readonly IReadOnlyList<string> Families = ["family-ava", "family-ben"];

    /// <summary>Gets every delivery of the sample's tenants.</summary>
    public static async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string database)
    {
        await using var provider = Open(database);
        var store = provider.GetRequiredService<IWebhookStore>();
        var deliveries = new List<WebhookDelivery>();
        foreach (var family in Families)
        {
            deliveries.AddRange(await StoreReading.AllDeliveriesAsync(store, family));
        }

        return deliveries;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> events to the sample's subscriptions in its file with no worker running, so their
    /// deliveries are pending as a run that died before sending them leaves them.
    /// </summary>
    /// <returns>The events' ids.</returns>
    public static async Task<IReadOnlyList<string>> PublishWithoutDeliveringAsync(string database, int count)
    {
        await using var provider = Open(database);
        var publisher = provider.GetRequiredService<IWebhookPublisher>();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var receipt = await publisher.PublishAsync("chore:created", new { sequence = i, entityId = $"chore-left-{i}", stars = 3 }, tenantId: Families[i % Families.Count], actor: "parent-1");
            Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
            Assert.Equal(1, receipt.DeliveryCount);
            ids.Add(receipt.EventId!);
        }

        return ids;
    }

    // No host, so no worker: nothing here sends a delivery.
    private static ServiceProvider Open(string database) =>
        new ServiceCollection()
            .AddLogging()
            .AddWebhooks()
            .AddEvent("chore:created", "Chores", "A chore was created.")
            .UseSqliteStore(database)
            .Services.BuildServiceProvider();
}
