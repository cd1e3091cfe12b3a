namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>Ticketing: a ticket's fields changed.</summary>
public sealed record TicketChanged(string TenantId, string TicketId, DateTimeOffset OccurredAt, string Status, IReadOnlyList<string> ChangedFields)
    : TicketingEvent(TenantId, TicketId, OccurredAt);
