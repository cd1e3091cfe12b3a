namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>invoice.voided</c>. An invoice was voided.</summary>
public sealed record InvoiceVoided(
    string InvoiceId,
    string CustomerId,
    string? Reason);
