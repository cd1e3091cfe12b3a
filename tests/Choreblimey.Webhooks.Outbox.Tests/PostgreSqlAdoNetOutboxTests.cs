using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Publishing through the host's own NpgsqlConnection and NpgsqlTransaction.</summary>
[Collection(PostgreSqlOutboxCollectionDefinition.Name)]
public sealed class PostgreSqlAdoNetOutboxTests(PostgreSqlOutboxFixture fixture) : PostgreSqlScenarios(fixture)
{
    protected override string HarnessOutbox => "ado";

    protected override async Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending)
    {
        var outbox = services.GetRequiredService<IWebhookOutbox>();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO invoices (id, amount_cents) VALUES (@id, 1250)", connection, transaction))
        {
            insert.Parameters.AddWithValue("id", invoiceId);
            await insert.ExecuteNonQueryAsync();
        }

        var receipt = await outbox.PublishAsync(transaction, EventType, new { invoiceId, amountCents = 1250 }, PublishOptions(invoiceId));
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(1, receipt.DeliveryCount);
        switch (ending)
        {
            case Ending.Rollback:
                await transaction.RollbackAsync();
                break;
            case Ending.Throw:
                throw new SimulatedFailureException();
            default:
                await transaction.CommitAsync();
                break;
        }

        return 1;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_key_reused_for_another_event_type_is_refused_and_the_transaction_can_still_commit(bool sameTransaction)
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        var outbox = host.Services.GetRequiredService<IWebhookOutbox>();
        await using var connection = new NpgsqlConnection(database);

        // No statement failed, so PostgreSQL has not aborted the transaction: the repeat and the commit go through.
        await AdoNetWriter.AssertKeyReusedForAnotherEventTypeIsRefusedAsync(
            connection,
            sameTransaction,
            (transaction, eventType, options) => outbox.PublishAsync((NpgsqlTransaction)transaction, eventType, new { eventType }, options));
        Assert.Equal(1, await CountAsync(database, "messages"));
    }

    [Fact]
    public async Task A_transaction_on_another_database_is_refused_naming_both_databases()
    {
        var database = await NewDatabaseAsync();
        var other = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        var outbox = host.Services.GetRequiredService<IWebhookOutbox>();
        await using var connection = new NpgsqlConnection(other);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Before: "42P01: relation "webhooks.messages" does not exist", naming neither database.
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await outbox.PublishAsync(transaction, EventType, new { invoiceId = "inv_elsewhere" }, PublishOptions("inv_elsewhere")));

        Assert.StartsWith(
            $"The transaction's database ('{new NpgsqlConnectionStringBuilder(other).Database}') has no webhook schema 'webhooks': publish inside a transaction on the webhook store's database ('{new NpgsqlConnectionStringBuilder(database).Database}')",
            exception.Message,
            StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(database, "messages"));
    }
}
