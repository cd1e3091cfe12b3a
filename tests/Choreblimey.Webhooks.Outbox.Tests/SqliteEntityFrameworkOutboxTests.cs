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
        AddInvoiceContext(services, (provider, options) => options
            .UseSqlite(ConnectionString(database))
            .UseWebhooksOutbox(provider)
            .AddInterceptors(provider.GetRequiredService<ConnectionOpenCounter>()));
    }

    /// <summary>Registers the host's context: a context per scope here, a pooled one in the pooled variant.</summary>
    protected virtual void AddInvoiceContext(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure) =>
        services.AddDbContext<InvoiceContext>(configure);

    protected override Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending) =>
        EntityFrameworkWriter.WriteInvoiceAsync(services, invoiceId, ending);
}
