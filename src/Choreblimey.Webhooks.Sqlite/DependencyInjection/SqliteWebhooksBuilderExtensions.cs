using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite webhook store.</summary>
public static class SqliteWebhooksBuilderExtensions
{
    /// <summary>
    /// Uses a SQLite database file as the webhook store. Replaces any <see cref="IWebhookStore"/> registered before.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="SqliteWebhookStoreOptions.ConnectionString"/> is required and may be a plain file path.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSqliteWebhookStore(this IServiceCollection services, Action<SqliteWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SqliteWebhookStoreOptions>()
            .Configure(configure)
            .PostConfigure(options =>
            {
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = SqliteConnectionStrings.Normalize(options.ConnectionString);
                }
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteWebhookStoreOptions>, SqliteWebhookStoreOptionsValidator>());
        services.TryAddSingleton(static provider => new SqliteWebhookStore(provider.GetRequiredService<IOptions<SqliteWebhookStoreOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IWebhookStore>(static provider => provider.GetRequiredService<SqliteWebhookStore>()));
        return services;
    }
}
