using Choreblimey.Webhooks;
using Choreblimey.Webhooks.EntityFrameworkCore.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Turns on the webhooks outbox for a DbContext.</summary>
public static class WebhooksOutboxDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Writes webhooks staged with <see cref="WebhookDbContextExtensions.AddWebhook{TPayload}(DbContext, string, TPayload, Choreblimey.Webhooks.WebhookPublishOptions?)"/> in the same transaction as
    /// <c>SaveChangesAsync</c>, on the context's own connection (no second connection is opened for the write). Works with
    /// Npgsql.EntityFrameworkCore.PostgreSQL (store: <c>UsePostgreSqlStore</c> on the same database) and
    /// Microsoft.EntityFrameworkCore.Sqlite (store: <c>UseSqliteStore</c> on the same file).
    /// </summary>
    /// <param name="builder">The context's options builder.</param>
    /// <param name="services">The application's service provider, where <c>AddWebhooks</c> registered <see cref="IWebhookOutbox"/>.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// services.AddDbContext&lt;ShopContext&gt;((sp, options) => options.UseSqlite("Data Source=shop.db").UseWebhooksOutbox(sp));
    /// </code>
    /// </example>
    public static DbContextOptionsBuilder UseWebhooksOutbox(this DbContextOptionsBuilder builder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        if (builder.Options.FindExtension<WebhookOutboxOptionsExtension>() is not null)
        {
            return builder;
        }

        var outbox = services.GetRequiredService<IWebhookOutbox>();
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new WebhookOutboxOptionsExtension());
        return builder.AddInterceptors(new WebhookOutboxSaveChangesInterceptor(outbox), new WebhookOutboxTransactionInterceptor(outbox));
    }

    /// <inheritdoc cref="UseWebhooksOutbox(DbContextOptionsBuilder, IServiceProvider)"/>
    /// <typeparam name="TContext">The context type.</typeparam>
    public static DbContextOptionsBuilder<TContext> UseWebhooksOutbox<TContext>(this DbContextOptionsBuilder<TContext> builder, IServiceProvider services)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)UseWebhooksOutbox((DbContextOptionsBuilder)builder, services);
}
