using Choreblimey.Webhooks;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQLite store on the webhooks builder.</summary>
public static class SqliteWebhooksBuilderExtensions
{
    /// <summary>
    /// Uses a SQLite database file as the webhook store (WAL, <c>synchronous=FULL</c>), replacing any store registered before.
    /// </summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="pathOrConnectionString">A file path (<c>webhooks.db</c>) or a Microsoft.Data.Sqlite connection string.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseSqliteStore(this IWebhooksBuilder builder, string pathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        return builder.UseSqliteStore(options => options.ConnectionString = pathOrConnectionString);
    }

    /// <summary>
    /// Uses a SQLite database file as the webhook store, replacing any store registered before, with its options bound from
    /// configuration (for example a <c>Webhooks:Sqlite</c> section: <c>ConnectionString</c>, <c>Synchronous</c>,
    /// <c>BusyTimeout</c>, ...). Durations are written <c>[d.]hh:mm:ss</c>; a bare number other than <c>0</c> (which
    /// <see cref="TimeSpan"/> reads as days) fails the host start with a message naming the key.
    /// </summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseSqliteStore(this IWebhooksBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.UseSqliteStore(options => WebhookConfigurationTimeSpans.Bind(configuration, options));
    }

    /// <summary>Uses a SQLite database file as the webhook store, replacing any store registered before.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <param name="configure">Sets the options; <see cref="SqliteWebhookStoreOptions.ConnectionString"/> is required and may be a plain file path.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder UseSqliteStore(this IWebhooksBuilder builder, Action<SqliteWebhookStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<SqliteWebhookStoreOptions>()
            .Configure(configure)
            .PostConfigure(options =>
            {
                if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = SqliteConnectionStrings.Normalize(options.ConnectionString);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteWebhookStoreOptions>, SqliteWebhookStoreOptionsValidator>());
        services.TryAddSingleton(static provider => new SqliteWebhookStore(provider.GetRequiredService<IOptions<SqliteWebhookStoreOptions>>().Value, provider.GetService<IWebhookSecretProtector>()));
        return builder.UseStore(static provider => provider.GetRequiredService<SqliteWebhookStore>());
    }
}
