using Microsoft.EntityFrameworkCore;

namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>The host's DbContext for outbox-commit with <c>--outbox efcore</c>, mapped to the table the outbox tests create.</summary>
internal sealed class HarnessInvoiceContext(DbContextOptions<HarnessInvoiceContext> options) : DbContext(options)
{
    public DbSet<HarnessInvoice> Invoices => Set<HarnessInvoice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var invoice = modelBuilder.Entity<HarnessInvoice>();
        invoice.ToTable("invoices");
        invoice.HasKey(i => i.Id);
        invoice.Property(i => i.Id).HasColumnName("id");
        invoice.Property(i => i.AmountCents).HasColumnName("amount_cents");
    }
}
