namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>credit_note.applied</c>. Credit was applied to an invoice.</summary>
public sealed record CreditNoteApplied(
    string CreditNoteId,
    string InvoiceId,
    string CustomerId,
    decimal AmountApplied,
    decimal RemainingCredit,
    string Currency);
