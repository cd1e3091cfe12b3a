namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>credit_note.issued</c>. A credit note was issued.</summary>
public sealed record CreditNoteIssued(
    string CreditNoteId,
    string InvoiceId,
    string CustomerId,
    string CreditNoteNumber,
    decimal Amount,
    string Currency);
