using Choreblimey.Webhooks;
using Choreblimey.Webhooks.InvoiceSample;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// An invoice service that creates an invoice and publishes invoice.created in one transaction (EF Core outbox).
// Default: EF Core + SQLite in invoices.db (no server). PostgreSQL: --connection "Host=...;Database=...;Username=...".
var connection = args.Length == 2 && args[0] == "--connection" ? args[1] : args.Length == 0 ? "invoices.db" : null;
if (connection is null)
{
    Console.Error.WriteLine("usage: dotnet run --project samples/Choreblimey.Webhooks.InvoiceSample [-- --connection <sqlite file | PostgreSQL connection string>]");
    return 2;
}

// Npgsql names the server with Host= or its synonym Server=; anything else is an SQLite file.
var postgres = connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.Contains("Server=", StringComparison.OrdinalIgnoreCase);
await using var receiver = await InvoiceReceiver.StartAsync();

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None); // the duplicate invoice below fails on purpose
var webhooks = builder.Services
    .AddWebhooks()
    .AddEvent("invoice.created", "Invoices", "An invoice was created.")
    .AllowLoopback(); // the built-in receiver is plain http on 127.0.0.1
if (postgres)
{
    webhooks.UsePostgreSqlStore(connection); // tables in the "webhooks" schema of the service's own database
}
else
{
    webhooks.UseSqliteStore(connection); // tables in the service's own SQLite file
}

builder.Services.AddDbContext<InvoiceDbContext>((services, options) =>
    (postgres ? options.UseNpgsql(connection) : options.UseSqlite($"Data Source={connection}")).UseWebhooksOutbox(services));
builder.Services.AddScoped<InvoiceService>();

using var host = builder.Build();
var tenant = "acme";
var runId = Guid.NewGuid().ToString("N")[..6];

// The partner's subscription: created on the first run, pointed at this run's receiver on later ones (this also lets the
// store create its tables, before any business transaction).
var subscription = await PartnerSubscription.EnsureAsync(
    host.Services.GetRequiredService<IWebhookSubscriptionManager>(), tenant, receiver.Url, CancellationToken.None);
receiver.Trust([.. subscription.Secrets.Select(s => s.Secret)]);
Console.WriteLine($"partner subscription {subscription.Id} → {receiver.Url}");

// The worker starts once the subscription points at this run's receiver.
await host.StartAsync();

await using (var scope = host.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<InvoiceDbContext>().CreateTableAsync(CancellationToken.None);
}

string[] customers = ["Ada Ltd", "Brunel & Co", "Curie GmbH"];
for (var i = 0; i < customers.Length; i++)
{
    await using var scope = host.Services.CreateAsyncScope();
    var invoice = await scope.ServiceProvider.GetRequiredService<InvoiceService>()
        .CreateAsync(tenant, $"INV-{runId}-{i + 1}", customers[i], 12_500 + (i * 1000), CancellationToken.None);
    Console.WriteLine($"created invoice {invoice.Number} (id {invoice.Id}) for {invoice.Customer}");
}

// The same number again: the unique index fails the insert, the transaction rolls back, and no webhook is ever sent.
try
{
    await using var scope = host.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<InvoiceService>().CreateAsync(tenant, $"INV-{runId}-1", "Duplicate Inc", 1, CancellationToken.None);
}
catch (DbUpdateException)
{
    Console.WriteLine($"invoice INV-{runId}-1 again: rejected by the database, so no invoice.created was stored");
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
while (receiver.Accepted.Count(b => b.Contains(runId, StringComparison.Ordinal)) < customers.Length && !timeout.IsCancellationRequested)
{
    await Task.Delay(50);
}

await Task.Delay(500); // anything else would arrive now
var mine = receiver.Accepted.Where(b => b.Contains(runId, StringComparison.Ordinal)).ToList();
Console.WriteLine($"the partner verified {mine.Count} invoice.created webhooks:");
foreach (var body in mine)
{
    Console.WriteLine("  " + body);
}

await host.StopAsync();
var ok = mine.Count == customers.Length && !mine.Any(b => b.Contains("Duplicate Inc", StringComparison.Ordinal));
Console.WriteLine(ok ? "OK: each committed invoice produced exactly one webhook; the rolled-back one produced none." : "UNEXPECTED RESULT");
return ok ? 0 : 1;
