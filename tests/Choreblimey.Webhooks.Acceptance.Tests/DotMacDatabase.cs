using Microsoft.EntityFrameworkCore;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>DotMac's own database session: a customers table in the same SQLite file as the webhook store.</summary>
public sealed class DotMacDatabase(DbContextOptions<DotMacDatabase> options) : DbContext(options)
{
    public const string CreateTableSql = "CREATE TABLE IF NOT EXISTS customers (id text PRIMARY KEY, account_type text NOT NULL)";

    public DbSet<DotMacCustomer> Customers => Set<DotMacCustomer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var customer = modelBuilder.Entity<DotMacCustomer>();
        customer.ToTable("customers");
        customer.HasKey(c => c.Id);
        customer.Property(c => c.Id).HasColumnName("id");
        customer.Property(c => c.AccountType).HasColumnName("account_type");
    }
}

/// <summary>A DotMac customer row.</summary>
public sealed class DotMacCustomer
{
    public required string Id { get; set; }

    public required string AccountType { get; set; }
}
