using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Publishing through an EF Core DbContext on Microsoft.EntityFrameworkCore.Sqlite, on the store's file.</summary>
public class SqliteEntityFrameworkOutboxTests : SqliteScenarios
{
    protected override string HarnessOutbox => "efcore";

    protected override void Configure(IWebhooksBuilder webhooks, IServiceCollection services, string database)
    {
        base.Configure(webhooks, services, database);
        services.AddSingleton<ConnectionOpenCounter>();
        services.AddSingleton<CommitFailureInjector>();
        AddInvoiceContext(services, (provider, options) => options
            .UseSqlite(ConnectionString(database))
            .UseWebhooksOutbox(provider)
            .AddInterceptors(provider.GetRequiredService<ConnectionOpenCounter>(), provider.GetRequiredService<CommitFailureInjector>()));
    }

    /// <summary>Registers the host's context: a context per scope here, a pooled one in the pooled variant.</summary>
    protected virtual void AddInvoiceContext(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure) =>
        services.AddDbContext<InvoiceContext>(configure);

    protected override Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending) =>
        EntityFrameworkWriter.WriteInvoiceAsync(services, invoiceId, ending);

    [Fact]
    public Task A_failed_webhook_write_rolls_back_the_outboxs_transaction_and_every_later_save_on_the_context_throws() =>
        RunOnNewHostAsync(EntityFrameworkRetryScenarios.AFailedWebhookWriteInTheOutboxsTransactionAsync);

    [Fact]
    public Task A_failed_commit_of_the_outboxs_transaction_makes_every_later_save_on_the_context_throw() =>
        RunOnNewHostAsync(EntityFrameworkRetryScenarios.AFailedCommitOfTheOutboxsTransactionAsync);

    [Fact]
    public Task A_retried_save_in_the_hosts_transaction_writes_only_the_webhooks_the_failed_save_did_not() =>
        RunOnNewHostAsync(EntityFrameworkRetryScenarios.ARetriedSaveInTheHostsTransactionAsync);

    [Fact]
    public Task A_save_that_EF_Core_itself_failed_can_be_retried_on_the_same_context() =>
        RunOnNewHostAsync(EntityFrameworkRetryScenarios.ASaveThatEntityFrameworkCoreFailedAsync);

    [Fact]
    public async Task A_key_reused_for_another_event_type_makes_SaveChanges_throw_and_nothing_commits()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);

        await EntityFrameworkWriter.AssertKeyReusedForAnotherEventTypeIsRefusedAsync(host.Services, table => CountAsync(database, table));
    }

    [Fact]
    public async Task A_payload_factory_is_called_once_during_SaveChanges_after_the_rows_are_saved()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
        var invoice = new Invoice { Id = "inv_factory", AmountCents = 42 };
        context.Invoices.Add(invoice);
        var states = new List<EntityState>();

        context.AddWebhookAfterSave(EventType, () =>
        {
            states.Add(context.Entry(invoice).State);
            return new { id = invoice.Id, amountCents = invoice.AmountCents };
        }, PublishOptions("inv_factory"));
        Assert.Empty(states);
        await context.SaveChangesAsync();

        Assert.Equal([EntityState.Unchanged], states);
        var store = host.Services.GetRequiredService<IWebhookStore>();
        var delivery = Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);
        var message = await store.GetMessageAsync(Tenant, delivery.MessageId);
        Assert.Equal("""{"id":"inv_factory","amountCents":42}""", System.Text.Encoding.UTF8.GetString(message!.Data.Span));
    }

    [Fact]
    public async Task An_undeclared_event_in_AddWebhookAfterSave_throws_before_the_factory_runs()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
        var called = false;

        Assert.Throws<UnknownWebhookEventException>(() => context.AddWebhookAfterSave("invoice.craeted", () => called = true, PublishOptions("inv_typo")));

        await context.SaveChangesAsync();
        Assert.False(called);
        Assert.Equal(0, await CountAsync(database, "messages"));
    }

    [Fact]
    public async Task An_undeclared_event_or_invalid_options_throw_at_AddWebhook_and_nothing_is_staged()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);
        await using var scope = host.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
        context.Invoices.Add(new Invoice { Id = "inv_typo", AmountCents = 1 });

        // Before, both were found only by SaveChangesAsync, after the rows were written.
        var unknown = Assert.Throws<UnknownWebhookEventException>(() => context.AddWebhook("invoice.craeted", new { id = "inv_typo" }, PublishOptions("inv_typo")));
        Assert.Contains("'invoice.created'", unknown.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => context.AddWebhook(EventType, new { id = "inv_typo" }, new WebhookPublishOptions { TenantId = WebhookTenants.All }));

        // Nothing was staged, so the rows save on their own.
        await context.SaveChangesAsync();
        Assert.Equal(1, await CountAsync(database, "invoices"));
        Assert.Equal(0, await CountAsync(database, "messages"));
    }
}
