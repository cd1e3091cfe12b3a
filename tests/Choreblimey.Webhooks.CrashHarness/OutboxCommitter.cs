using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>
/// outbox-commit: writes one invoice row and its <c>invoice.created</c> webhook in one transaction, the way a host does
/// (the store's <c>PublishAsync(transaction, ...)</c> on ADO.NET, or <c>AddWebhook</c> + <c>SaveChangesAsync</c> on EF Core),
/// and commits. The worker is never started in this mode, so only another process can deliver the event.
/// </summary>
internal static class OutboxCommitter
{
    public const string EventType = "invoice.created";
    private const long AmountCents = 1250;

    /// <summary>Builds the SQLite connection string the host's own connection uses (the store takes the same path).</summary>
    public static string SqliteConnectionString(string pathOrConnectionString) =>
        pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? pathOrConnectionString
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString }.ConnectionString;

    /// <summary>Commits the invoice and its webhook.</summary>
    /// <returns>The event id the outbox returned, or <see langword="null"/> on EF Core (AddWebhook returns no receipt).</returns>
    public static async Task<string?> CommitAsync(IServiceProvider services, HarnessArguments arguments, CancellationToken cancellationToken)
    {
        var invoiceId = arguments.Invoice!;
        var options = new WebhookPublishOptions { TenantId = arguments.Tenant, Actor = "user_1", IdempotencyKey = "invoice:" + invoiceId };
        if (arguments.Outbox == "efcore")
        {
            await using var scope = services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<HarnessInvoiceContext>();
            var invoice = new HarnessInvoice { Id = invoiceId, AmountCents = AmountCents };
            context.Invoices.Add(invoice);
            context.AddWebhook(EventType, invoice, options);
            await context.SaveChangesAsync(cancellationToken);
            return null;
        }

        var outbox = services.GetRequiredService<IWebhookOutbox>();
        var payload = new { invoiceId, amountCents = AmountCents };
        WebhookPublishReceipt receipt;
        if (arguments.Store == "sqlite")
        {
            await using var connection = new SqliteConnection(SqliteConnectionString(arguments.Connection));
            await connection.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO invoices (id, amount_cents) VALUES ($id, $amount)";
                insert.Parameters.AddWithValue("$id", invoiceId);
                insert.Parameters.AddWithValue("$amount", AmountCents);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            receipt = await outbox.PublishAsync(transaction, EventType, payload, options, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.NotifyCommitted();
        }
        else
        {
            await using var connection = new NpgsqlConnection(arguments.Connection);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var insert = new NpgsqlCommand("INSERT INTO invoices (id, amount_cents) VALUES (@id, @amount)", connection, transaction))
            {
                insert.Parameters.AddWithValue("id", invoiceId);
                insert.Parameters.AddWithValue("amount", AmountCents);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            receipt = await outbox.PublishAsync(transaction, EventType, payload, options, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (receipt.Status != WebhookPublishStatus.Published || receipt.DeliveryCount != 1)
        {
            throw new InvalidOperationException($"The outbox publish was not one stored delivery: {receipt}");
        }

        return receipt.EventId;
    }
}
