using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// What a failed <c>SaveChangesAsync</c> leaves behind on an EF Core context with staged webhooks, and what retrying it on
/// the same context does; shared by both providers. <c>count</c> counts a table's rows on a fresh connection.
/// </summary>
/// <remarks>
/// EF Core marks the entities saved before the outbox writes the webhooks, so a failure from then on leaves them
/// <see cref="EntityState.Unchanged"/> whatever happened to their rows. The webhooks here carry no idempotency key, which
/// would hide a webhook written twice.
/// </remarks>
internal static class EntityFrameworkRetryScenarios
{
    private static readonly WebhookPublishOptions Options = new() { TenantId = "t1" };

    /// <summary>
    /// The webhook write fails in the transaction the outbox began: the invoice's row is rolled back with it, so the
    /// context, which holds the invoice as saved, must refuse every later save instead of committing a webhook alone.
    /// </summary>
    public static Task AFailedWebhookWriteInTheOutboxsTransactionAsync(IServiceProvider services, Func<string, Task<long>> count) =>
        AssertAFailureAfterTheRowsDiscardsTheContextAsync<WebhookPayloadException>(
            services,
            count,
            invoice => new FailsOncePayload(invoice.Id));

    /// <summary>
    /// The commit of the transaction the outbox began fails after the webhooks were written: the invoice and its webhook
    /// are rolled back together, and a later save on the context must not report success with nothing committed.
    /// </summary>
    public static Task AFailedCommitOfTheOutboxsTransactionAsync(IServiceProvider services, Func<string, Task<long>> count)
    {
        services.GetRequiredService<CommitFailureInjector>().FailNextCommit();
        return AssertAFailureAfterTheRowsDiscardsTheContextAsync<SimulatedFailureException>(services, count, invoice => invoice);
    }

    /// <summary>
    /// In the host's own transaction, the first of two webhooks is written and the second fails: the invoice's row and the
    /// first webhook stay in the host's transaction, so retrying the save writes the second webhook only.
    /// </summary>
    public static async Task ARetriedSaveInTheHostsTransactionAsync(IServiceProvider services, Func<string, Task<long>> count)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            await using var transaction = await context.Database.BeginTransactionAsync();
            var invoice = new Invoice { Id = "inv_host_retry", AmountCents = 1 };
            context.Invoices.Add(invoice);
            context.AddWebhook(OutboxScenariosAccess.EventType, invoice, Options);
            context.AddWebhook(OutboxScenariosAccess.EventType, new FailsOncePayload(invoice.Id), Options);

            await Assert.ThrowsAsync<WebhookPayloadException>(() => context.SaveChangesAsync());
            Assert.Equal(0, await context.SaveChangesAsync());
            await transaction.CommitAsync();
        }

        Assert.Equal(1, await count("invoices"));
        Assert.Equal(2, await count("messages"));
        var store = services.GetRequiredService<IWebhookStore>();
        var bodies = new List<string>();
        foreach (var delivery in (await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = "t1" })).Items)
        {
            var message = await store.GetMessageAsync("t1", delivery.MessageId);
            bodies.Add(System.Text.Encoding.UTF8.GetString(message!.Data.Span));
        }

        Assert.Equal(2, bodies.Count);
        Assert.Single(bodies, b => b.Contains("created", StringComparison.Ordinal));
    }

    /// <summary>
    /// EF Core itself fails the save (a row with the invoice's key already exists): it leaves the invoice Added and the
    /// outbox keeps the webhook staged, so once the conflict is gone the same context saves both together.
    /// </summary>
    public static async Task ASaveThatEntityFrameworkCoreFailedAsync(IServiceProvider services, Func<string, Task<long>> count)
    {
        const string InvoiceId = "inv_conflict";
        await using (var scope = services.CreateAsyncScope())
        {
            var other = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            other.Invoices.Add(new Invoice { Id = InvoiceId, AmountCents = 99 });
            await other.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            var invoice = new Invoice { Id = InvoiceId, AmountCents = 1 };
            context.Invoices.Add(invoice);
            context.AddWebhook(OutboxScenariosAccess.EventType, invoice, Options);

            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
            Assert.Equal(EntityState.Added, context.Entry(invoice).State);
            Assert.Equal(0, await count("messages"));

            await using (var cleanup = services.CreateAsyncScope())
            {
                await cleanup.ServiceProvider.GetRequiredService<InvoiceContext>().Invoices.Where(i => i.Id == InvoiceId).ExecuteDeleteAsync();
            }

            Assert.Equal(1, await context.SaveChangesAsync());
        }

        Assert.Equal(1, await count("invoices"));
        Assert.Equal(1, await count("messages"));
    }

    /// <summary>
    /// Saves an invoice with one webhook, in the transaction the outbox begins, and expects <typeparamref name="TFailure"/>
    /// after EF Core has marked the invoice saved; then nothing is stored, the context refuses every later save, and a
    /// new context works.
    /// </summary>
    private static async Task AssertAFailureAfterTheRowsDiscardsTheContextAsync<TFailure>(
        IServiceProvider services,
        Func<string, Task<long>> count,
        Func<Invoice, object> payload)
        where TFailure : Exception
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            var invoice = new Invoice { Id = "inv_failed", AmountCents = 1 };
            context.Invoices.Add(invoice);
            context.AddWebhook(OutboxScenariosAccess.EventType, payload(invoice), Options);

            var failure = await Assert.ThrowsAsync<TFailure>(() => context.SaveChangesAsync());
            Assert.Equal(EntityState.Unchanged, context.Entry(invoice).State);

            await AssertRefusesLaterSavesAsync(context, failure);
            Assert.Equal(0, await count("invoices"));
            Assert.Equal(0, await count("messages"));
        }

        await AssertAFreshContextSavesAsync(services, count);
    }

    private static async Task AssertRefusesLaterSavesAsync(InvoiceContext context, Exception failure)
    {
        var retry = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        Assert.Contains("discard", retry.Message, StringComparison.Ordinal);
        Assert.Same(failure, retry.InnerException);

        // Not only a retry of the same changes: any later save on this context, even one with nothing staged.
        context.Invoices.Add(new Invoice { Id = "inv_after_failure", AmountCents = 2 });
        Assert.Same(failure, (await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync())).InnerException);
        Assert.Same(failure, Assert.Throws<InvalidOperationException>(() => context.SaveChanges()).InnerException);
    }

    /// <summary>A new context (a pooled one is reset when its scope ends) saves an invoice and its webhook as usual.</summary>
    private static async Task AssertAFreshContextSavesAsync(IServiceProvider services, Func<string, Task<long>> count)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            var invoice = new Invoice { Id = "inv_fresh_context", AmountCents = 3 };
            context.Invoices.Add(invoice);
            context.AddWebhook(OutboxScenariosAccess.EventType, invoice, Options);
            await context.SaveChangesAsync();
        }

        Assert.Equal(1, await count("invoices"));
        Assert.Equal(1, await count("messages"));
    }
}
