using Choreblimey.Webhooks;
using Choreblimey.Webhooks.DependencyInjection.Internal;
using Choreblimey.Webhooks.Operations.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Opt-in delivery operations features: operational webhook events and the health check.</summary>
public static class WebhooksOperationsBuilderExtensions
{
    /// <summary>
    /// Declares <see cref="WebhookOperationalEvents.EndpointDisabled"/> and <see cref="WebhookOperationalEvents.DeliveryDeadLettered"/>
    /// (category <see cref="WebhookOperationalEvents.Category"/>), so the library publishes them to the tenant's subscriptions
    /// that listen to them. A dead-lettered delivery of an operational event never publishes another one.
    /// </summary>
    /// <remarks>Calling it again declares nothing twice, as calling <c>AddWebhooks()</c> again registers nothing twice.</remarks>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddOperationalEvents(this IWebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registration = builder.Services.AddWebhooks() is WebhooksBuilder own ? own.Registration : null;
        if (registration?.Events.Contains(WebhookOperationalEvents.EndpointDisabled) == true)
        {
            return builder;
        }

        return builder
            .AddEvent<WebhookSubscriptionDisabledNotification>(WebhookOperationalEvents.EndpointDisabled, WebhookOperationalEvents.Category, "A webhook endpoint was disabled after repeated failures or 410 Gone.")
            .AddEvent<WebhookDeadLetterNotification>(WebhookOperationalEvents.DeliveryDeadLettered, WebhookOperationalEvents.Category, "A webhook delivery was dead-lettered.");
    }

    /// <summary>
    /// Adds a health check on the webhook backlog and dead letters (thresholds in <see cref="WebhookOptions.Monitoring"/>):
    /// Degraded or Unhealthy when the oldest pending delivery is too old or too many deliveries were dead-lettered recently.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. The default value is <c>webhooks</c>.</param>
    /// <param name="failureStatus">The status reported when an Unhealthy threshold is crossed. The default value is Unhealthy.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddWebhooksHealthCheck(this IHealthChecksBuilder builder, string name = "webhooks", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, static sp => ActivatorUtilities.CreateInstance<WebhooksHealthCheck>(sp), failureStatus, tags));
    }
}
