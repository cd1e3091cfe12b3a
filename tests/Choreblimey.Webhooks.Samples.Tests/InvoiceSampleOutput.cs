using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>What samples/Choreblimey.Webhooks.InvoiceSample prints (its Program.cs).</summary>
internal static partial class InvoiceSampleOutput
{
    private static readonly string[] Customers = ["Ada Ltd", "Brunel & Co", "Curie GmbH"];

    /// <summary>
    /// Asserts a run that exited 0 having created three invoices, each delivered to and verified by the partner as exactly
    /// one <c>invoice.created</c> webhook carrying the database's id, and having stored no webhook for the duplicate the
    /// database rejected.
    /// </summary>
    /// <returns>The partner subscription's id.</returns>
    public static string AssertEachCommittedInvoiceDeliveredOnce(SampleRun run)
    {
        run.AssertExitCode(0);
        run.AssertNothingOnStandardError();
        var subscription = run.Lines.Select(l => SubscriptionLine().Match(l)).SingleOrDefault(m => m.Success);
        Assert.True(subscription is not null, $"'{run.Name}' reported no partner subscription.{run.Describe()}");

        var created = run.Lines.Select(l => CreatedLine().Match(l)).Where(m => m.Success).ToList();
        Assert.True(created.Count == Customers.Length, $"'{run.Name}' created {created.Count} invoices, not {Customers.Length}.{run.Describe()}");
        Assert.Equal(Customers, created.Select(m => m.Groups["customer"].Value));
        var idsByNumber = created.ToDictionary(m => m.Groups["number"].Value, m => long.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture));
        var runPrefix = created[0].Groups["number"].Value[..^2];
        Assert.Equal(Enumerable.Range(1, Customers.Length).Select(i => $"{runPrefix}-{i}"), idsByNumber.Keys);

        run.AssertLine($"invoice {runPrefix}-1 again: rejected by the database, so no invoice.created was stored");
        run.AssertLine($"the partner verified {Customers.Length} invoice.created webhooks:");
        var bodies = run.Lines.Where(l => l.StartsWith("  {", StringComparison.Ordinal)).ToList();
        Assert.True(bodies.Count == Customers.Length, $"'{run.Name}' listed {bodies.Count} webhooks, not {Customers.Length}.{run.Describe()}");
        var delivered = new Dictionary<string, long>();
        foreach (var body in bodies)
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            Assert.Equal("invoice.created", root.GetProperty("type").GetString());
            Assert.Equal("acme", root.GetProperty("tenant").GetString());
            var data = root.GetProperty("data");
            Assert.NotEqual("Duplicate Inc", data.GetProperty("customer").GetString());
            Assert.True(delivered.TryAdd(data.GetProperty("number").GetString()!, data.GetProperty("id").GetInt64()), $"Two webhooks for one invoice.{run.Describe()}");
        }

        // Each webhook carries its invoice's id as the database generated it: the event was serialised after the insert.
        Assert.Equal(idsByNumber.OrderBy(p => p.Key, StringComparer.Ordinal), delivered.OrderBy(p => p.Key, StringComparer.Ordinal));
        run.AssertLine("OK: each committed invoice produced exactly one webhook; the rolled-back one produced none.");
        return subscription.Groups["id"].Value;
    }

    [GeneratedRegex(@"^partner subscription (?<id>sub_\w+) ")]
    private static partial Regex SubscriptionLine();

    [GeneratedRegex(@"^created invoice (?<number>INV-[0-9a-f]{6}-\d) \(id (?<id>\d+)\) for (?<customer>.+)$")]
    private static partial Regex CreatedLine();
}
