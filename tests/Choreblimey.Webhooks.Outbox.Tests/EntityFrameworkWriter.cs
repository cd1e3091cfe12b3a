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

    /// <summary>
    /// Saves an invoice with a webhook, then another invoice with a webhook of another type under the same idempotency key,
    /// first in the same SaveChanges and then in a later one: each SaveChanges that reuses the key throws, and nothing of
    /// it commits.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="count">Counts a table's rows on a fresh connection.</param>
    public static async Task AssertKeyReusedForAnotherEventTypeIsRefusedAsync(IServiceProvider services, Func<string, Task<long>> count)
    {
        var options = new WebhookPublishOptions { TenantId = "t1", IdempotencyKey = "invoice:reused" };
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            context.Invoices.Add(new Invoice { Id = "inv_a", AmountCents = 1 });
            context.AddWebhook(OutboxScenariosAccess.EventType, new { n = 1 }, options);
            context.AddWebhook(OutboxScenariosAccess.OtherEventType, new { n = 2 }, options);
            await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(() => context.SaveChangesAsync());
        }

        Assert.Equal(0, await count("invoices"));
        Assert.Equal(0, await count("messages"));

        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            context.Invoices.Add(new Invoice { Id = "inv_b", AmountCents = 1 });
            context.AddWebhook(OutboxScenariosAccess.EventType, new { n = 1 }, options);
            await context.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            context.Invoices.Add(new Invoice { Id = "inv_c", AmountCents = 1 });
            context.AddWebhook(OutboxScenariosAccess.OtherEventType, new { n = 2 }, options);
            var conflict = await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(() => context.SaveChangesAsync());
            Assert.Equal(OutboxScenariosAccess.EventType, conflict.StoredEventType);
        }

        Assert.Equal(1, await count("invoices"));
        Assert.Equal(1, await count("messages"));
    }
}
