using System.Diagnostics;
using System.Globalization;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Storage.Tests.Sqlite;
using Choreblimey.Webhooks.Testing.Support;
using Xunit.Abstractions;

namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>
/// A separate process publishes to a SQLite file and delivers; it is killed with SIGKILL while deliveries are certainly in
/// flight (the receiver holds its last requests unanswered), then a new process on the same file delivers what is left.
/// Every event whose <c>PublishAsync</c> had returned must arrive; the deliveries the dead process had in flight arrive
/// again, with the same webhook-id, once their lease lapses (61 s, the shortest the options allow).
/// </summary>
public sealed class SqliteCrashTests(ITestOutputHelper output)
{
    private const int Concurrency = 4;

    [Fact]
    public async Task Crash_Sqlite_killed_publisher_loses_no_acknowledged_event_and_resends_in_flight_ones_with_the_same_webhook_id()
    {
        var elapsed = Stopwatch.StartNew();
        using var directory = new TempDatabaseDirectory();
        var database = directory.File();
        var ackFile = Path.Combine(directory.Path, "acked.txt");
        await using var receiver = await CrashReceiver.StartAsync();
        receiver.StallWorker = "run-1";
        receiver.StallAfter = 50;

        var secret = WebhookSecret.Generate();
        await using (var setup = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = database }))
        {
            await setup.CreateSubscriptionAsync(CrashSubscriptions.Create(receiver.Url, secret));
        }

        // Run 1: publishes 1,000 events and delivers; killed once four of its deliveries hang at the receiver.
        string[] common = ["--store", "sqlite", "--connection", database, "--tenant", CrashSubscriptions.Tenant, "--concurrency", Concurrency.ToString(CultureInfo.InvariantCulture)];
        await using (var run1 = CrashHarnessProcess.Start("run-1", ["publish-and-deliver", .. common, "--worker-id", "run-1", "--count", "1000", "--ack-file", ackFile]))
        {
            await CrashWait.UntilAsync(() => receiver.StalledInFlight("run-1") == Concurrency, TimeSpan.FromSeconds(60),
                $"run-1 to have {Concurrency} deliveries in flight at the receiver", run1);
            await run1.KillAsync();
        }

        var acked = AckFile.Read(ackFile);
        var stalled = receiver.StalledIds;
        output.WriteLine($"killed run-1 after {elapsed.Elapsed.TotalSeconds:0.0} s: {acked.Count} events acknowledged, {receiver.Delivered.Count} delivered, {stalled.Count} in flight");
        Assert.NotEmpty(acked);
        Assert.Equal(Concurrency, stalled.Count);

        // The kill closed run-1's connections, so its hung requests end at the receiver; none may linger into run 2.
        await CrashWait.UntilAsync(() => receiver.InFlight("run-1") == 0, TimeSpan.FromSeconds(15), "run-1's aborted requests to end at the receiver");

        // Run 2 on the same file publishes nothing, delivers what is pending and exits once nothing is left.
        await using (var run2 = CrashHarnessProcess.Start("run-2", ["deliver-only", .. common, "--worker-id", "run-2", "--exit-when-drained", "--run-seconds", "150"]))
        {
            var exitCode = await run2.WaitForExitAsync(TimeSpan.FromSeconds(170));
            Assert.True(exitCode == 0, $"run-2 exited with {exitCode}; its output:{Environment.NewLine}{run2.Output}");
        }

        output.WriteLine($"run-2 drained the store after {elapsed.Elapsed.TotalSeconds:0.0} s; {receiver.DuplicatedIdCount} webhook-ids arrived more than once");

        var delivered = receiver.Delivered;
        var lost = acked.Where(id => !delivered.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged events were never delivered, e.g. {string.Join(", ", lost.Take(5))}");
        foreach (var id in stalled)
        {
            Assert.Equal(new[] { "run-2" }, receiver.DeliveredBy(id).ToArray());
        }

        Assert.Empty(receiver.CheckBodiesAndSignatures([secret]));
        Assert.Empty(receiver.Violations);

        await using var store = new SqliteWebhookStore(new SqliteWebhookStoreOptions { ConnectionString = database });
        var deliveries = await CrashSubscriptions.AllDeliveriesAsync(store);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        var stored = deliveries.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(acked.ToHashSet(StringComparer.Ordinal), stored);
        Assert.Superset(stored, delivered.ToHashSet(StringComparer.Ordinal));
        output.WriteLine($"{deliveries.Count} deliveries stored (events committed before the kill, acknowledged or not), all succeeded");
    }
}
