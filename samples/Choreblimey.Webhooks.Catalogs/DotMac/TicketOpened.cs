namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>Ticketing: a ticket was opened.</summary>
public sealed record TicketOpened(string TenantId, string TicketId, DateTimeOffset OccurredAt, string? CustomerId, string Priority)
    : TicketingEvent(TenantId, TicketId, OccurredAt);
