using System.Globalization;
using System.Text.RegularExpressions;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>What samples/Choreblimey.Webhooks.Sample prints (Program.cs, SampleProgress and the summary it writes).</summary>
internal static partial class WebhooksSampleOutput
{
    /// <summary>Asserts a run that exited 0 having delivered, and its receiver verified, every delivery it was responsible for.</summary>
    /// <param name="run">The run.</param>
    /// <param name="store">The summary's store line: <c>memory</c>, <c>postgres</c> or <c>sqlite (path)</c>.</param>
    /// <param name="published">The events the run published (its <c>--count</c>).</param>
    /// <param name="recovered">The deliveries an earlier run left pending.</param>
    public static void AssertEveryEventDeliveredAndVerified(SampleRun run, string store, int published, int recovered = 0)
    {
        var total = published + recovered;
        run.AssertExitCode(0);
        run.AssertNothingOnStandardError();
        if (published > 0)
        {
            run.AssertLine($"Published {published}/{published}");
        }
        else
        {
            run.AssertNoLineStartingWith("Published ");
        }

        run.AssertLineStartingWith($"Delivered {total}/{total}, pending 0, ");
        run.AssertSummary("store", store);
        run.AssertSummary("published", Number(published));
        run.AssertSummary("deliveries", $"{Number(total)} ({Number(recovered)} recovered from an earlier run)");
        run.AssertSummary("delivered", Number(total));
        run.AssertSummary("dead-lettered", "0");
        run.AssertSummary("still pending", "0");
        run.AssertLineStartingWith($"  verified:       {Number(total)} (signatures rejected: 0, first attempts failed on purpose: ");
        run.AssertLine("OK: every event was delivered and verified.");
    }

    /// <summary>Gets the id of the subscription the run reported for <paramref name="family"/>.</summary>
    public static string SubscriptionId(SampleRun run, string family)
    {
        var ids = run.Lines.Select(l => SubscribedLine().Match(l)).Where(m => m.Success && m.Groups["family"].Value == family).Select(m => m.Groups["id"].Value).ToList();
        Assert.True(ids.Count == 1, $"'{run.Name}' reported {ids.Count} subscriptions for {family}.{run.Describe()}");
        return ids[0];
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Subscribed (?<family>[\w-]+) .* \((?<id>sub_\w+)\)$")]
    private static partial Regex SubscribedLine();
}
