using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Security;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Choreblimey.Webhooks in a service collection.</summary>
public static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the event registry, publisher, subscription manager, signer, the in-memory store (replace it with
    /// <c>UseSqliteStore</c> or <c>UsePostgreSqlStore</c>), the typed HttpClient and the delivery worker.
    /// Calling it again returns a builder for the same registration.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to declare events and choose a store.</returns>
    public static IWebhooksBuilder AddWebhooks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(WebhooksRegistration) && descriptor.ImplementationInstance is WebhooksRegistration existing)
            {
                return new WebhooksBuilder(services, existing);
            }
        }

        var httpClient = services
            .AddHttpClient<WebhookHttpSender>(WebhookConstants.HttpClientName)
            // The address guard connects (SSRF checks on every resolved address); see Security/WebhookPrimaryHandler.
            .ConfigurePrimaryHttpMessageHandler(WebhookPrimaryHandler.Create)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // Receiver URLs often carry credentials (Zapier, Make.com); the factory's default request logs would print them.
            .RemoveAllLoggers();

        var registration = new WebhooksRegistration(httpClient);
        services.AddSingleton(registration);

        services.AddOptions<WebhookOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookSecurityOptionsValidator>());
        services.TryAddSingleton<WebhookAddressGuard>();
        services.TryAddSingleton<WebhookTransportInspector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookTransportStartupCheck>());
        services.TryAddSingleton<IWebhookHostResolver, WebhookDnsResolver>();
        services.TryAddSingleton<IWebhookSecretProtector, NoOpWebhookSecretProtector>();

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWebhookStore, InMemoryWebhookStore>();
        services.TryAddSingleton<IWebhookEventRegistry>(_ => new WebhookEventRegistry(registration.Events.Snapshot()));
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<WebhookAttemptWindow>();
        services.TryAddSingleton<WebhookIdGenerator>();
        services.TryAddSingleton<WebhookWorkerSignal>();
        services.TryAddSingleton<WebhookSubscriptionRouter>();
        services.TryAddSingleton<WebhookSubscriptionValidator>();
        services.TryAddSingleton<WebhookEndpointRegistry>();
        services.TryAddSingleton<WebhookSubscriptionActivator>();
        services.TryAddSingleton(_ => new WebhookRetryPolicy());
        services.TryAddSingleton<StandardWebhookSigner>();
        services.TryAddSingleton<WebhookRequestFactory>();
        services.TryAddSingleton<WebhookEventPreparer>();
        services.TryAddSingleton<IWebhookPublisher, WebhookPublisher>();
        services.TryAddSingleton<IWebhookOutbox, WebhookOutbox>();
        services.TryAddSingleton<IWebhookSubscriptionManager, WebhookSubscriptionManager>();
        services.TryAddSingleton(static sp => new WebhookContractExporter(
            sp.GetRequiredService<IWebhookEventRegistry>(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value.JsonSerializerOptions));
        services.AddHostedService<WebhookDeliveryWorker>();
        services.TryAddSingleton<Choreblimey.Webhooks.Signing.Internal.WebhookSignatureProfileRegistry>();
        services.TryAddSingleton<WebhookEnvelopeFormatterRegistry>();
        services.TryAddSingleton<WebhookRoutingMetrics>();
        services.TryAddSingleton<WebhookConfiguredEndpoints>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookRoutingOptionsValidator>());
        Choreblimey.Webhooks.Operations.Internal.WebhookOperationsRegistration.Add(services);

        return new WebhooksBuilder(services, registration);
    }

    /// <summary>Registers webhooks (see <see cref="AddWebhooks(IServiceCollection)"/>) and configures their options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to declare events and choose a store.</returns>
    public static IWebhooksBuilder AddWebhooks(this IServiceCollection services, Action<WebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddWebhooks();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers webhooks (see <see cref="AddWebhooks(IServiceCollection)"/>) and binds their options from configuration
    /// (for example the <c>Webhooks</c> section: <c>Enabled</c>, <c>AttemptTimeout</c>, <c>Retry:Schedule</c>, ...).
    /// Durations are written <c>[d.]hh:mm:ss</c>; a bare number other than <c>0</c> (which <see cref="TimeSpan"/> reads as days)
    /// fails the host start with a message naming the key.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>A builder to declare events and choose a store.</returns>
    public static IWebhooksBuilder AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddWebhooks();
        services.Configure<WebhookOptions>(options => WebhookOptionsBinder.Bind(options, configuration));
        return builder;
    }
}
