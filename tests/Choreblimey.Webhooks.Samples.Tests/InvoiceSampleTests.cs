namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>
/// samples/Choreblimey.Webhooks.InvoiceSample run as the README runs it, in a process of its own whose working directory
/// (where its default invoices.db goes) and home are a directory the test owns.
/// </summary>
public sealed class InvoiceSampleTests : IDisposable
{
    private readonly SampleDirectory _directory = new();

    [Fact]
    public async Task Defaults_commit_invoices_with_their_webhooks_in_invoices_db_and_a_second_run_reuses_the_subscription()
    {
        var first = await SampleApp.Invoices.RunAsync(_directory);

        var subscription = InvoiceSampleOutput.AssertEachCommittedInvoiceDeliveredOnce(first);
        var database = _directory.File("invoices.db");
        Assert.True(File.Exists(database), $"The default run left no {database}.{first.Describe()}");

        var second = await SampleApp.Invoices.RunAsync(_directory, "--connection", database);

        Assert.Equal(subscription, InvoiceSampleOutput.AssertEachCommittedInvoiceDeliveredOnce(second));
        second.AssertLineStartingWith("created invoice INV-");
        second.AssertLineStartingWith($"partner subscription {subscription} → http://127.0.0.1:");
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--connection")]
    [InlineData("--connection", "a.db", "extra")]
    public async Task Unexpected_arguments_exit_2_with_the_usage(params string[] arguments)
    {
        var run = await SampleApp.Invoices.RunAsync(_directory, arguments);

        run.AssertExitCode(2);
        Assert.True(
            run.Error == "usage: dotnet run --project samples/Choreblimey.Webhooks.InvoiceSample [-- --connection <sqlite file | PostgreSQL connection string>]\n",
            $"stderr is not the usage line.{run.Describe()}");
        Assert.Empty(_directory.AllFiles());
    }

    public void Dispose() => _directory.Dispose();
}
