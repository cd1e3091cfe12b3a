namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>ticket.sla_breach</c>. A ticket breached its SLA.</summary>
public sealed record TicketSlaBreach(
    string TicketId,
    string SlaPolicyId,
    string Priority,
    DateTimeOffset BreachedAt);
