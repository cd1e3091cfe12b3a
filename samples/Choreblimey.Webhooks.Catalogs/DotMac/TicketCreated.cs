namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>ticket.created</c>. A support ticket was opened (bridged from TicketingEvents).</summary>
public sealed record TicketCreated(
    string TicketId,
    string? CustomerId,
    string Priority,
    string Status,
    DateTimeOffset CreatedAt);
