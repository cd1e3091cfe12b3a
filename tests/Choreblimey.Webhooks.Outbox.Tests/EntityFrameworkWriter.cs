using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>The EF Core way of writing an invoice and its webhook, shared by both providers.</summary>
internal static class EntityFrameworkWriter
{
    public static async Task<int> WriteInvoiceAsync(IServiceProvider services, string invoiceId, Ending ending)
    {
        var counter = services.GetRequiredService<ConnectionOpenCounter>();
        var opensBefore = counter.Opens;
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
        var invoice = new Invoice { Id = invoiceId, AmountCents = 1250 };
        context.Invoices.Add(invoice);
        context.AddWebhook(OutboxScenariosAccess.EventType, invoice, new WebhookPublishOptions { TenantId = "t1", IdempotencyKey = "invoice:" + invoiceId });

        if (ending == Ending.Commit)
        {
            await context.SaveChangesAsync();
            return counter.Opens - opensBefore;
        }

        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.SaveChangesAsync();
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

        return counter.Opens - opensBefore;
    }
}
