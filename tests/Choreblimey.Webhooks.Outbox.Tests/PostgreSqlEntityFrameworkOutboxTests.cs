using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Publishing through an EF Core DbContext on Npgsql.EntityFrameworkCore.PostgreSQL.</summary>
[Collection(PostgreSqlOutboxCollectionDefinition.Name)]
public sealed class PostgreSqlEntityFrameworkOutboxTests(PostgreSqlOutboxFixture fixture) : PostgreSqlScenarios(fixture)
{
    protected override string HarnessOutbox => "efcore";

    protected override void Configure(IWebhooksBuilder webhooks, IServiceCollection services, string database)
    {
        base.Configure(webhooks, services, database);
        services.AddSingleton<ConnectionOpenCounter>();
        services.AddDbContext<InvoiceContext>((provider, options) => options
            .UseNpgsql(database)
            .UseWebhooksOutbox(provider)
            .AddInterceptors(provider.GetRequiredService<ConnectionOpenCounter>()));
    }

    protected override Task<int> WriteInvoiceAsync(IServiceProvider services, string database, string invoiceId, Ending ending) =>
        EntityFrameworkWriter.WriteInvoiceAsync(services, invoiceId, ending);
}
