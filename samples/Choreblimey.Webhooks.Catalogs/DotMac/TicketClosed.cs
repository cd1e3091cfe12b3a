namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>ticket.closed</c>. A support ticket was closed (bridged from TicketingEvents).</summary>
public sealed record TicketClosed(
    string TicketId,
    string? Resolution,
    DateTimeOffset ClosedAt);
