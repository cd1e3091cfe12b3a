namespace Choreblimey.Webhooks.Catalogs.FourAs;

/// <summary>The payload of <c>ticket.created</c>. A student opened a support ticket.</summary>
public sealed record TicketCreated(
    string TicketId,
    string UserId,
    string Category,
    string Priority,
    DateTimeOffset CreatedAt);
