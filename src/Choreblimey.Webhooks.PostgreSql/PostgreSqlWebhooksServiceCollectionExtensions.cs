using Choreblimey.Webhooks;
using Choreblimey.Webhooks.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL webhook store.</summary>
public static class PostgreSqlWebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store as the application's <see cref="IWebhookStore"/>, replacing any store registered before.
    /// The options are validated when the host starts: a connection string or a data source is required, and the schema must
    /// be a plain lower-case identifier.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the store's options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPostgreSqlWebhookStore(this IServiceCollection services, Action<PostgreSqlWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PostgreSqlWebhookStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlWebhookStoreOptions>>(new PostgreSqlWebhookStoreOptionsValidator()));
        services.TryAddSingleton(sp => new PostgreSqlWebhookStore(sp.GetRequiredService<IOptions<PostgreSqlWebhookStoreOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IWebhookStore>(sp => sp.GetRequiredService<PostgreSqlWebhookStore>()));
        return services;
    }
}
