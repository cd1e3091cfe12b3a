namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>Ticketing: a ticket was resolved and closed.</summary>
public sealed record TicketResolved(string TenantId, string TicketId, DateTimeOffset OccurredAt, string? Resolution)
    : TicketingEvent(TenantId, TicketId, OccurredAt);
