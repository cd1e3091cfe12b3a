using Microsoft.EntityFrameworkCore;

namespace Choreblimey.Webhooks.InvoiceSample;

/// <summary>Creates invoices: the row and its <c>invoice.created</c> webhook commit together, or neither does.</summary>
internal sealed class InvoiceService(InvoiceDbContext db)
{
    public async Task<Invoice> CreateAsync(string tenantId, string number, string customer, long amountCents, CancellationToken cancellationToken)
    {
        var invoice = new Invoice { Number = number, Customer = customer, AmountCents = amountCents };
        db.Invoices.Add(invoice);

        // Staged now, written by SaveChangesAsync in its transaction; serialised after the insert, so Id is the database's.
        db.AddWebhook("invoice.created", invoice, new WebhookPublishOptions { TenantId = tenantId, IdempotencyKey = "invoice:" + number });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return invoice;
    }
}
