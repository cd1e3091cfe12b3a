using Microsoft.EntityFrameworkCore;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>The host's own DbContext: one invoices table, mapped to the table the ADO.NET tests use.</summary>
public sealed class InvoiceContext(DbContextOptions<InvoiceContext> options) : DbContext(options)
{
    public const string CreateTableSql = "CREATE TABLE IF NOT EXISTS invoices (id text PRIMARY KEY, amount_cents bigint NOT NULL)";

    public DbSet<Invoice> Invoices => Set<Invoice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var invoice = modelBuilder.Entity<Invoice>();
        invoice.ToTable("invoices");
        invoice.HasKey(i => i.Id);
        invoice.Property(i => i.Id).HasColumnName("id");
        invoice.Property(i => i.AmountCents).HasColumnName("amount_cents");
    }
}
