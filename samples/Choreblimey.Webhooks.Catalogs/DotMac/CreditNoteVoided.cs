namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>credit_note.voided</c>. A credit note was voided.</summary>
public sealed record CreditNoteVoided(
    string CreditNoteId,
    string CustomerId,
    string? Reason);
