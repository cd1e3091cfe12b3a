namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>ticket.updated</c>. A support ticket changed (bridged from TicketingEvents).</summary>
public sealed record TicketUpdated(
    string TicketId,
    string Status,
    IReadOnlyList<string> ChangedFields);
