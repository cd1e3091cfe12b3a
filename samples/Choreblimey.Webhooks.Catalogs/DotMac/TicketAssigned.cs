namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>Ticketing: a ticket was assigned. It has no webhook event, so the bridge ignores it.</summary>
public sealed record TicketAssigned(string TenantId, string TicketId, DateTimeOffset OccurredAt, string AgentId)
    : TicketingEvent(TenantId, TicketId, OccurredAt);
