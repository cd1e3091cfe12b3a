using Choreblimey.Webhooks;
using Choreblimey.Webhooks.Catalogs.DotMac;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Bridges DotMac's <see cref="TicketingEvents"/> onto the declared <c>ticket.*</c> webhook events.</summary>
public static class DotMacTicketingBridge
{
    /// <summary>
    /// Forwards <see cref="TicketOpened"/>, <see cref="TicketChanged"/> and <see cref="TicketResolved"/> from
    /// <see cref="TicketingEvents"/> as <c>ticket.created</c>, <c>ticket.updated</c> and <c>ticket.closed</c>, in the
    /// ticket's tenant. Other ticketing events are ignored. Call after <see cref="DotMacCatalog.AddDotMacCatalog"/>.
    /// </summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddDotMacTicketingBridge(this IWebhooksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TicketingEvents>();
        builder.Services.AddHostedService<TicketingWebhookForwarder>();
        return builder.AddEventBridge<TicketingEvent>(bridge => bridge
            .Map<TicketOpened, TicketCreated>(
                "ticket.created",
                e => new TicketCreated(e.TicketId, e.CustomerId, e.Priority, "open", e.OccurredAt),
                InTenant)
            .Map<TicketChanged, TicketUpdated>(
                "ticket.updated",
                e => new TicketUpdated(e.TicketId, e.Status, e.ChangedFields),
                InTenant)
            .Map<TicketResolved, TicketClosed>(
                "ticket.closed",
                e => new TicketClosed(e.TicketId, e.Resolution, e.OccurredAt),
                InTenant));
    }

    private static WebhookPublishOptions InTenant(TicketingEvent e) => new() { TenantId = e.TenantId };
}
