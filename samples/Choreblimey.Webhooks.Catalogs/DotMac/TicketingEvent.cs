namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>An event of DotMac's in-house ticketing event system (its <c>TicketingEvents</c>), separate from webhooks.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="TicketId">The ticket.</param>
/// <param name="OccurredAt">When it happened.</param>
public abstract record TicketingEvent(string TenantId, string TicketId, DateTimeOffset OccurredAt);
