namespace Choreblimey.Webhooks.Catalogs.DotMac;

/// <summary>The payload of <c>invoice.finalized</c>. An invoice was finalized.</summary>
public sealed record InvoiceFinalized(
    string InvoiceId,
    string CustomerId,
    string InvoiceNumber,
    decimal Amount,
    string Currency);
