using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Sets a host's webhooks up for tests.</summary>
public static class WebhooksTestingServiceCollectionExtensions
{
    /// <summary>
    /// Sets the webhooks registered by the host (<c>AddWebhooks()</c>, call this after it) up for tests: the in-memory store
    /// replaces any other, every published event and delivery attempt is recorded, deliveries go to an in-process
    /// <see cref="WebhookTestReceiver"/> (no sockets, so the address guard is not in the way) and the host's clock becomes a
    /// <see cref="WebhookTestClock"/>. Resolve <see cref="IWebhookTestHarness"/> to assert on what happened.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Configures the harness.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWebhooksTestHarness(this IServiceCollection services, Action<WebhookTestHarnessOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new WebhookTestHarnessOptions();
        configure?.Invoke(options);

        var webhooks = services.AddWebhooks();
        if (options.UseTestClock)
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new WebhookTestClock(options.StartTime)));
        }

        services.Replace(ServiceDescriptor.Singleton(options));
        services.Replace(ServiceDescriptor.Singleton(static sp => new WebhookTestReceiver(sp.GetRequiredService<TimeProvider>())
        {
            SignatureProfiles = WebhookSignatureProfileDetector.Order(sp.GetServices<WebhookSignatureProfile>()),
        }));
        services.Replace(ServiceDescriptor.Singleton(static sp => new WebhookHarnessStore(
            new InMemoryWebhookStore(), sp.GetRequiredService<IOptions<WebhookOptions>>().Value.JsonSerializerOptions)));
        services.Replace(ServiceDescriptor.Singleton<IWebhookStore>(static sp => sp.GetRequiredService<WebhookHarnessStore>()));
        services.Replace(ServiceDescriptor.Singleton<IWebhookTestHarness>(static sp => new WebhookTestHarness(
            sp.GetRequiredService<WebhookHarnessStore>(),
            sp.GetRequiredService<WebhookTestReceiver>(),
            sp.GetRequiredService<IWebhookSubscriptionManager>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WebhookWorkerSignal>(),
            sp.GetRequiredService<WebhookTestHarnessOptions>(),
            sp.GetService<IHostApplicationLifetime>())));

        if (options.InterceptHttp)
        {
            // Replacing the primary handler also removes the address guard's ConnectCallback: nothing connects anywhere.
            webhooks.ConfigureHttpClient(static client => client.ConfigurePrimaryHttpMessageHandler(
                static sp => sp.GetRequiredService<WebhookTestReceiver>().CreateHandler()));
        }

        return services;
    }
}
