using System.Diagnostics;
using System.Globalization;
using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Storage.Tests.PostgreSql;
using Choreblimey.Webhooks.Storage.Tests.Sqlite;
using Choreblimey.Webhooks.Testing.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>
/// Three worker processes share one PostgreSQL database; one publishes. One of the others is killed with SIGKILL while
/// four deliveries are certainly in flight (the receiver holds them unanswered). Every event must be delivered, the dead
/// worker's four come back through the other workers once their lease lapses (61 s), and no webhook-id may reach the
/// receiver from one worker while another's request for it is still in flight under a valid lease.
/// </summary>
[Collection(PostgreSqlCrashCollectionDefinition.Name)]
public sealed class PostgreSqlCrashTests(PostgreSqlServerFixture fixture, ITestOutputHelper output)
{
    private const int Concurrency = 4;
    private const int EventCount = 1000;

    [Fact]
    public async Task Crash_PostgreSql_three_workers_one_killed_every_event_delivered_and_no_two_senders_under_one_lease()
    {
        var elapsed = Stopwatch.StartNew();
        using var directory = new TempDatabaseDirectory();
        var ackFile = Path.Combine(directory.Path, "acked.txt");
        var connectionString = await fixture.Server.CreateDatabaseAsync();
        await using var receiver = await CrashReceiver.StartAsync();
        receiver.StallWorker = "worker-b";
        receiver.StallAfter = 20;
        receiver.ResponseDelay = TimeSpan.FromMilliseconds(10);

        var secret = WebhookSecret.Generate();
        await using var store = new PostgreSqlWebhookStore(new PostgreSqlWebhookStoreOptions { ConnectionString = connectionString });
        await store.CreateSubscriptionAsync(CrashSubscriptions.Create(receiver.Url, secret));

        string[] common = ["--store", "postgres", "--connection", connectionString, "--tenant", CrashSubscriptions.Tenant, "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture)];
        await using var workerB = CrashHarnessProcess.Start("worker-b", ["deliver-only", .. common, "--worker-id", "worker-b"]);
        await using var workerC = CrashHarnessProcess.Start("worker-c", ["deliver-only", .. common, "--worker-id", "worker-c"]);
        await workerB.WaitForLineAsync("ready", TimeSpan.FromSeconds(60));
        await workerC.WaitForLineAsync("ready", TimeSpan.FromSeconds(60));
        await using var workerA = CrashHarnessProcess.Start("worker-a", ["publish-and-deliver", .. common, "--worker-id", "worker-a", "--count", EventCount.ToString(CultureInfo.InvariantCulture), "--ack-file", ackFile]);

        await CrashWait.UntilAsync(() => receiver.StalledInFlight("worker-b") == Concurrency, TimeSpan.FromSeconds(60),
            $"worker-b to have {Concurrency} deliveries in flight at the receiver", workerA, workerB, workerC);
        await workerB.KillAsync();
        var stalled = receiver.StalledIds;
        output.WriteLine($"killed worker-b after {elapsed.Elapsed.TotalSeconds:0.0} s with {stalled.Count} deliveries in flight; {receiver.Delivered.Count} delivered so far");

        // The dead worker's leases are still in the table: the four it had in flight, plus what it had claimed ahead and not
        // started. Under a backlog the worker claims one batch beyond its free slots, and claims the next one when half a
        // batch is still ahead, so at most one and a half batches (the harness's batch is its concurrency).
        var orphaned = await LeasedMessageIdsAsync(connectionString, "worker-b");
        Assert.Subset(orphaned.ToHashSet(StringComparer.Ordinal), stalled.ToHashSet(StringComparer.Ordinal));
        Assert.InRange(orphaned.Count, stalled.Count, stalled.Count + Concurrency + (Concurrency / 2));
        await CrashWait.UntilAsync(() => receiver.InFlight("worker-b") == 0, TimeSpan.FromSeconds(15), "worker-b's aborted requests to end at the receiver");

        await workerA.WaitForLineAsync("published", TimeSpan.FromSeconds(60));
        var acked = AckFile.Read(ackFile);
        Assert.Equal(EventCount, acked.Count);

        // The survivors deliver the rest at once, and the dead worker's four once their lease lapses.
        await CrashWait.UntilAsync(
            async () => acked.All(receiver.Delivered.Contains) && await store.GetNextDueTimeAsync() is null,
            TimeSpan.FromSeconds(150),
            "every event to be delivered and nothing left pending",
            workerA,
            workerC);
        output.WriteLine($"all {EventCount} delivered after {elapsed.Elapsed.TotalSeconds:0.0} s; {receiver.DuplicatedIdCount} webhook-ids arrived more than once; " +
            $"answered per worker: a={receiver.AnsweredOk("worker-a")}, b={receiver.AnsweredOk("worker-b")}, c={receiver.AnsweredOk("worker-c")}");

        Assert.Empty(receiver.Violations);
        foreach (var id in stalled)
        {
            var by = receiver.DeliveredBy(id);
            Assert.True(by.Count > 0 && !by.Contains("worker-b"), $"{id} was delivered by [{string.Join(", ", by)}], expected a surviving worker");
        }

        Assert.Empty(receiver.CheckBodiesAndSignatures([secret]));
        var deliveries = await CrashSubscriptions.AllDeliveriesAsync(store);
        Assert.Equal(EventCount, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        Assert.Equal(acked.ToHashSet(StringComparer.Ordinal), deliveries.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> LeasedMessageIdsAsync(string connectionString, string owner)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT message_id FROM webhooks.deliveries WHERE status = 0 AND lease_owner = @owner", connection);
        command.Parameters.AddWithValue("owner", owner);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
