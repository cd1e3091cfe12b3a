namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>
/// samples/Choreblimey.Webhooks.Sample run as the README runs it (<c>dotnet run --project samples/Choreblimey.Webhooks.Sample</c>),
/// each run a process of its own against its built-in loopback receiver, with its files and home in a directory the test owns.
/// </summary>
public sealed class WebhooksSampleTests : IDisposable
{
    private readonly SampleDirectory _directory = new();

    [Fact]
    public async Task Default_sqlite_store_delivers_and_verifies_every_event_into_the_given_file()
    {
        var database = _directory.File("webhooks.db");

        var run = await SampleApp.Webhooks.RunAsync(_directory, "--connection", database, "--count", "6");

        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(run, $"sqlite ({database})", published: 6);
        run.AssertLine($"SQLite store: {database}");
        var deliveries = await SampleDatabase.DeliveriesAsync(database);
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
    }

    [Fact]
    public async Task Without_connection_the_sqlite_file_is_in_the_users_local_data_folder()
    {
        var database = Path.Combine(_directory.DataHome, "choreblimey-webhooks-sample", "webhooks.db");

        var run = await SampleApp.Webhooks.RunAsync(_directory, "--count", "2");

        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(run, $"sqlite ({database})", published: 2);
        run.AssertLine($"SQLite store: {database}");
        Assert.True(File.Exists(database), $"No database at {database}.{run.Describe()}");
    }

    [Fact]
    public async Task A_second_run_with_count_0_on_the_same_file_publishes_nothing_and_keeps_the_subscriptions()
    {
        var database = _directory.File("webhooks.db");
        var first = await SampleApp.Webhooks.RunAsync(_directory, "--connection", database, "--count", "4");
        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(first, $"sqlite ({database})", published: 4);

        var second = await SampleApp.Webhooks.RunAsync(_directory, "--connection", database, "--count", "0");

        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(second, $"sqlite ({database})", published: 0);
        second.AssertNoLineStartingWith("Found ");
        foreach (var family in SampleDatabase.Families)
        {
            Assert.Equal(WebhooksSampleOutput.SubscriptionId(first, family), WebhooksSampleOutput.SubscriptionId(second, family));
        }

        Assert.Equal(4, (await SampleDatabase.DeliveriesAsync(database)).Count);
    }

    [Fact]
    public async Task A_run_with_count_0_delivers_what_an_earlier_run_left_pending()
    {
        var database = _directory.File("webhooks.db");
        var first = await SampleApp.Webhooks.RunAsync(_directory, "--connection", database, "--count", "2");
        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(first, $"sqlite ({database})", published: 2);
        // Deliveries of the sample's subscriptions that no worker has sent yet: what a run killed before delivering leaves.
        var left = await SampleDatabase.PublishWithoutDeliveringAsync(database, 3);

        var second = await SampleApp.Webhooks.RunAsync(_directory, "--connection", database, "--count", "0");

        second.AssertLine("Found 3 deliveries still pending from an earlier run; delivering them too.");
        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(second, $"sqlite ({database})", published: 0, recovered: 3);
        var deliveries = await SampleDatabase.DeliveriesAsync(database);
        Assert.Equal(5, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        Assert.Superset(left.ToHashSet(), deliveries.Select(d => d.MessageId).ToHashSet());
    }

    [Fact]
    public async Task Memory_store_delivers_and_verifies_every_event_and_writes_no_file()
    {
        var run = await SampleApp.Webhooks.RunAsync(_directory, "--store", "memory", "--count", "6");

        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(run, "memory", published: 6);
        run.AssertNoLineStartingWith("SQLite store:");
        Assert.Empty(_directory.AllFiles());
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var run = await SampleApp.Webhooks.RunAsync(_directory, "--help");

        run.AssertExitCode(0);
        run.AssertNothingOnStandardError();
        run.AssertLine("Usage: dotnet run --project samples/Choreblimey.Webhooks.Sample -- [options]");
        run.AssertLineStartingWith("  --store <kind>         memory | sqlite | postgres");
        run.AssertNoLineStartingWith("Subscribed ");
        Assert.Empty(_directory.AllFiles());
    }

    [Theory]
    [InlineData("Unknown option '--bogus'.", "--bogus")]
    [InlineData("--store must be memory, sqlite or postgres; got 'redis'.", "--store", "redis")]
    [InlineData("--count must be a whole number from 0 to 1000000; got 'lots'.", "--count", "lots")]
    [InlineData("The option --connection needs a value.", "--connection")]
    [InlineData("--store postgres needs --connection \"Host=...;Username=...;Password=...;Database=...\".", "--store", "postgres")]
    // The library's messages shorten a URL to its scheme and host (or its first segment), so no path or query is echoed.
    [InlineData("The webhook URL 'hooks…' is not an absolute URL: it needs a scheme and a host, such as https://hooks.example.com/path.", "--store", "memory", "--url", "hooks/family-ava")]
    [InlineData("The webhook URL 'ftp://127.0.0.1/…' uses the scheme 'ftp'; a webhook URL must be http or https.", "--store", "memory", "--url", "ftp://127.0.0.1/hooks")]
    public async Task A_usage_error_exits_2_naming_the_problem_before_any_event_is_published(string message, params string[] arguments)
    {
        var run = await SampleApp.Webhooks.RunAsync(_directory, arguments);

        run.AssertExitCode(2);
        Assert.True(run.Error.StartsWith(message + "\n", StringComparison.Ordinal), $"stderr does not start with \"{message}\".{run.Describe()}");
        Assert.Contains("Usage: dotnet run --project samples/Choreblimey.Webhooks.Sample", run.Error, StringComparison.Ordinal);
        run.AssertNoLineStartingWith("Subscribed ");
        run.AssertNoLineStartingWith("Published ");
        Assert.Empty(_directory.AllFiles());
    }

    public void Dispose() => _directory.Dispose();
}
