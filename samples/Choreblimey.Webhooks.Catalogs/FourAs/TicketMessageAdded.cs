namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>ticket.message_added</c>. A message was added to a ticket.</summary>
public sealed record TicketMessageAdded(
    string TicketId,
    string MessageId,
    string AuthorId,
    string AuthorRole);
