using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// The EF Core scenarios with a pooled context (<c>AddDbContextPool</c>): a context instance serves one scope after
/// another, so what one scope staged and never saved must not reach the next.
/// </summary>
public sealed class SqlitePooledEntityFrameworkOutboxTests : SqliteEntityFrameworkOutboxTests
{
    protected override void AddInvoiceContext(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure) =>
        services.AddDbContextPool<InvoiceContext>(configure);

    [Fact]
    public async Task A_webhook_staged_by_a_scope_that_never_saved_is_not_written_by_the_next_user_of_the_pooled_context()
    {
        var database = await NewDatabaseAsync();
        var host = await StartHostAsync(database, worker: false, subscribe: true);

        InvoiceContext abandoned;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            abandoned = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            abandoned.AddWebhook(EventType, new Invoice { Id = "inv_abandoned", AmountCents = 1 }, PublishOptions("inv_abandoned"));
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<InvoiceContext>();
            Assert.Same(abandoned, context);
            var invoice = new Invoice { Id = "inv_saved", AmountCents = 2 };
            context.Invoices.Add(invoice);
            context.AddWebhook(EventType, invoice, PublishOptions("inv_saved"));
            await context.SaveChangesAsync();
        }

        Assert.Equal(1, await CountAsync(database, "invoices"));
        Assert.Equal(1, await CountAsync(database, "messages"));
        var store = host.Services.GetRequiredService<IWebhookStore>();
        var delivery = Assert.Single((await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant })).Items);
        var message = await store.GetMessageAsync(Tenant, delivery.MessageId);
        Assert.Contains("inv_saved", System.Text.Encoding.UTF8.GetString(message!.Data.Span), StringComparison.Ordinal);
    }
}
