using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Bridging.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Bridges another in-process event system onto declared webhook events.</summary>
public static class WebhooksBridgeBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="IWebhookEventBridge{TSource}"/> that forwards <typeparamref name="TSource"/> events onto
    /// declared webhook events. Calling it again for the same source type adds mappings to the same bridge. The mappings are
    /// checked when the host starts: one onto an undeclared event fails the start with <see cref="UnknownWebhookEventException"/>,
    /// and one whose payload type is not the event's declared payload type with <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <typeparam name="TSource">The other system's event type (a base class or interface of its events).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Declares the mappings.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddEventBridge<TSource>(this IWebhooksBuilder builder, Action<WebhookEventBridgeBuilder<TSource>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<WebhookEventBridgeOptions<TSource>>(options => configure(new WebhookEventBridgeBuilder<TSource>(options.Routes)));
        builder.Services.TryAddSingleton<IWebhookEventBridge<TSource>, WebhookEventBridge<TSource>>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookEventBridgeStartupCheck<TSource>>());
        return builder;
    }
}
