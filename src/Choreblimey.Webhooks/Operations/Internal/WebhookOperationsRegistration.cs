using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>Registers the delivery operations services (called once by <c>AddWebhooks()</c>).</summary>
internal static class WebhookOperationsRegistration
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<IWebhookOperations, WebhookOperations>();
        services.TryAddSingleton<WebhookDeliveryObserver>();
        services.TryAddSingleton<WebhookBacklogMonitor>();
        services.TryAddSingleton<WebhookRetentionService>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookBacklogMonitor>());
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookRetentionService>());
    }
}
