namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>ticket.status_changed</c>. An admin changed a ticket's status.</summary>
public sealed record TicketStatusChanged(
    string TicketId,
    string OldStatus,
    string NewStatus,
    string ChangedBy);
