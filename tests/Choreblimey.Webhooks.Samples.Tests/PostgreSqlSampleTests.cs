namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>Both console samples with <c>--connection</c> naming a PostgreSQL database on a throwaway loopback server.</summary>
[Collection(PostgreSqlSamplesCollectionDefinition.Name)]
public sealed class PostgreSqlSampleTests(PostgreSqlSamplesFixture postgres) : IDisposable
{
    private readonly SampleDirectory _directory = new();

    [Fact]
    public async Task Webhooks_sample_with_the_postgres_store_delivers_and_verifies_every_event()
    {
        var connection = await postgres.CreateDatabaseAsync();

        var run = await SampleApp.Webhooks.RunAsync(_directory, "--store", "postgres", "--connection", connection, "--count", "6");

        WebhooksSampleOutput.AssertEveryEventDeliveredAndVerified(run, "postgres", published: 6);
        Assert.Empty(_directory.AllFiles());
    }

    [Theory]
    [InlineData("Host=")]
    [InlineData("Server=")]
    public async Task Invoice_sample_on_postgres_commits_invoices_with_their_webhooks(string serverKeyword)
    {
        // Npgsql accepts Server= as a synonym of Host=; the sample must take either as PostgreSQL, not as an SQLite file name.
        var connection = (await postgres.CreateDatabaseAsync()).Replace("Host=", serverKeyword, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith(serverKeyword, connection, StringComparison.OrdinalIgnoreCase);

        var run = await SampleApp.Invoices.RunAsync(_directory, "--connection", connection);

        InvoiceSampleOutput.AssertEachCommittedInvoiceDeliveredOnce(run);
        Assert.Empty(_directory.AllFiles());
    }

    public void Dispose() => _directory.Dispose();
}
