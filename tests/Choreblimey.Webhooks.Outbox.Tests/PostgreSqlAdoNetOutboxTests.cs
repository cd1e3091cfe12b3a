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
}
