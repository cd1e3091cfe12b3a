namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>credit_note.created</c>. A credit note was drafted.</summary>
public sealed record CreditNoteCreated(
    string CreditNoteId,
    string InvoiceId,
    string CustomerId,
    decimal Amount,
    string Currency,
    string? Reason);
