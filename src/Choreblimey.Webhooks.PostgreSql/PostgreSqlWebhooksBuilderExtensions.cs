using Choreblimey.Webhooks;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL store on the webhooks builder.</summary>
public static class PostgreSqlWebhooksBuilderExtensions
{
    /// <summary>Uses the PostgreSQL store on a connection string, in the <c>webhooks</c> schema.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSqlStore(this IWebhooksBuilder builder, string connectionString)
    {
        // Most often GetConnectionString(name)! on a name the configuration does not have: say so rather than "Value cannot be null".
        const string Hint = ": when it comes from configuration (GetConnectionString(\"name\")), check that the entry ConnectionStrings:name exists in this environment.";
        if (connectionString is null)
        {
            throw new ArgumentNullException(nameof(connectionString), "The PostgreSQL connection string for the webhook store is null" + Hint);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string for the webhook store is empty" + Hint, nameof(connectionString));
        }

        return builder.UsePostgreSqlStore(options => options.ConnectionString = connectionString);
    }

    /// <summary>Uses the PostgreSQL store on the host's own data source (not disposed by the store).</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSqlStore(this IWebhooksBuilder builder, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgreSqlStore(options => options.DataSource = dataSource);
    }

    /// <summary>
    /// Uses the PostgreSQL store with its options bound from configuration (for example a <c>Webhooks:PostgreSql</c>
    /// section: <c>ConnectionString</c>, <c>Schema</c>, <c>InstallSchema</c>, <c>UseNotifications</c>,
    /// <c>PrepareStatements</c>), replacing any store registered before. The options are validated when the host starts,
    /// as with <see cref="UsePostgreSqlStore(IWebhooksBuilder, Action{PostgreSqlWebhookStoreOptions})"/>.
    /// </summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSqlStore(this IWebhooksBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Bound as the core options are, so a duration option added later refuses bare numbers (read as days) from the start.
        return builder.UsePostgreSqlStore(options => WebhookConfigurationTimeSpans.Bind(configuration, options));
    }

    /// <summary>
    /// Uses the PostgreSQL store, replacing any store registered before. The options are validated when the host starts:
    /// a connection string or a data source is required, and the schema must be a plain lower-case identifier.
    /// </summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="configure">Sets the store's options.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UsePostgreSqlStore(this IWebhooksBuilder builder, Action<PostgreSqlWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgreSqlWebhookStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlWebhookStoreOptions>>(new PostgreSqlWebhookStoreOptionsValidator()));
        services.TryAddSingleton(sp => new PostgreSqlWebhookStore(sp.GetRequiredService<IOptions<PostgreSqlWebhookStoreOptions>>().Value, sp.GetService<IWebhookSecretProtector>()));
        return builder.UseStore(sp => sp.GetRequiredService<PostgreSqlWebhookStore>());
    }
}
