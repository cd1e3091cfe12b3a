using Choreblimey.Webhooks.Catalogs.DotMac;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Choreblimey.Webhooks.Acceptance.Tests.HostData;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>DotMac platform (billing): each requirement of its host description, met through the public API.</summary>
public sealed class DotMacAcceptanceTests
{
    private const string Tenant = "tenant-42";

    private static Task<AcceptanceHost> StartAsync() =>
        AcceptanceHost.StartAsync(b => b.AddDotMacCatalog().AddDotMacTicketingBridge());

    [Fact(DisplayName = DotMacR1)]
    public async Task Events_are_declared_once_and_an_undeclared_raw_string_is_caught()
    {
        await using var host = await StartAsync();

        Assert.Equal(47, host.Registry.Count);
        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => host.Publisher.PublishAsync("customer.suspend", new { }, tenantId: Tenant).AsTask());
        Assert.Contains("customer.suspended", error.ClosestNames);
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddWebhooks().AddDotMacCatalog().AddEvent("invoice.created", "Billing"));

        // The seed's router publishes "customer.suspended" as a raw string; declared, so it is accepted.
        var receipt = await host.Publisher.PublishAsync("customer.suspended", new CustomerSuspended("cust-1", null, DateTimeOffset.UnixEpoch), tenantId: Tenant);
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
    }

    [Fact(DisplayName = DotMacR2)]
    public async Task Publishing_inside_the_database_session_commits_with_the_business_write()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dotmac-acceptance-{Guid.NewGuid():N}.db");
        try
        {
            await using var host = await AcceptanceHost.StartAsync(
                b => b.AddDotMacCatalog(),
                afterHarness: (services, webhooks) =>
                {
                    // A real store: the webhook tables live in the host's own SQLite database.
                    webhooks.UseSqliteStore(path);
                    services.AddDbContext<DotMacDatabase>((provider, options) => options.UseSqlite($"Data Source={path}").UseWebhooksOutbox(provider));
                });
            var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest { Url = "https://billing-partner.example/hooks", EventTypes = ["customer.*"] });
            var high = new WebhookPublishOptions { TenantId = Tenant, Priority = WebhookPriority.High };
            var at = host.Harness.Clock!.GetUtcNow();
            using var scope = host.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DotMacDatabase>();
            await db.Database.ExecuteSqlRawAsync(DotMacDatabase.CreateTableSql);

            // Committed with the business write.
            db.Customers.Add(new DotMacCustomer { Id = "cust-1", AccountType = "business" });
            db.AddWebhook("customer.created", new CustomerCreated("cust-1", "business", "active", at), high);
            await db.SaveChangesAsync();

            // Rolled back with it.
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Customers.Add(new DotMacCustomer { Id = "cust-2", AccountType = "business" });
                db.AddWebhook("customer.created", new CustomerCreated("cust-2", "business", "active", at), high);
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }

            db.ChangeTracker.Clear();

            // A business write that fails (duplicate key) takes its event with it.
            db.Customers.Add(new DotMacCustomer { Id = "cust-1", AccountType = "personal" });
            db.AddWebhook("customer.created", new CustomerCreated("cust-1", "personal", "active", at), high);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            Assert.Equal(["cust-1"], await db.Customers.Select(c => c.Id).ToListAsync());
            var log = await host.Operations.QueryAsync(new WebhookDeliveryQuery { TenantId = Tenant });
            var delivery = Assert.Single(log.Items);
            Assert.Equal((subscription.Id, WebhookPriority.High), (delivery.SubscriptionId, delivery.Priority));
            await JossiedbAcceptanceTests.Eventually(() => host.Harness.Receiver.Requests.Count == 1);
            var request = Assert.Single(host.Harness.Receiver.Requests);
            Assert.Equal("cust-1", JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("customerId").GetString());
            await JossiedbAcceptanceTests.Eventually(async () => (await host.Operations.GetAsync(Tenant, delivery.Id))?.Delivery.Status == WebhookDeliveryStatus.Succeeded);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact(DisplayName = DotMacR3)]
    public async Task Customer_events_are_published_with_high_priority()
    {
        // One delivery at a time, so the order the receiver sees is the order the worker claims in.
        await using var host = await AcceptanceHost.StartAsync(b => b.AddDotMacCatalog(), o =>
        {
            o.MaxConcurrentDeliveries = 1;
            o.ClaimBatchSize = 1;
        });
        var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
        {
            Url = "https://billing-partner.example/hooks",
            EventTypes = ["*"],
            // Every first attempt waits 5 s: the events below queue up and become due together.
            RetrySchedule = [TimeSpan.FromSeconds(5)],
        });
        var clock = host.Harness.Clock!;

        await host.Publisher.PublishAsync("report.generated", host.ExamplePayload("report.generated"), new WebhookPublishOptions { TenantId = Tenant, Priority = WebhookPriority.Low });
        clock.Advance(TimeSpan.FromSeconds(1));
        await host.Publisher.PublishAsync("invoice.created", host.ExamplePayload("invoice.created"), tenantId: Tenant);
        await host.Publisher.PublishAsync("invoice.paid", host.ExamplePayload("invoice.paid"), tenantId: Tenant);
        clock.Advance(TimeSpan.FromSeconds(1));
        var customer = await host.Publisher.PublishAsync(new CustomerCreated("cust-1", "business", "active", clock.GetUtcNow()), new WebhookPublishOptions { TenantId = Tenant, Priority = WebhookPriority.High });

        // All four are due now; the newest (high) goes first, the oldest (low) last.
        clock.Advance(TimeSpan.FromSeconds(5));
        await JossiedbAcceptanceTests.Eventually(() => host.Harness.Deliveries.Count(d => d.Status == WebhookDeliveryStatus.Succeeded) == 4);
        Assert.Equal(["customer.created", "invoice.created", "invoice.paid", "report.generated"], host.Harness.Receiver.Requests.Select(r => r.EventType));
        var stored = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = customer.EventId });
        Assert.Equal(WebhookPriority.High, Assert.Single(stored.Items).Priority);
        Assert.All(host.Harness.Deliveries, d => Assert.Equal(subscription.Id, d.SubscriptionId));
    }

    [Fact(DisplayName = DotMacR4)]
    public async Task TicketingEvents_are_bridged_onto_ticket_webhook_events()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Tenant, "ticket.*");
        var ticketing = host.Services.GetRequiredService<TicketingEvents>();
        var at = host.Harness.Clock!.GetUtcNow();

        await ticketing.PublishAsync(new TicketOpened(Tenant, "ticket-1", at, "cust-1", "high"));
        await ticketing.PublishAsync(new TicketAssigned(Tenant, "ticket-1", at, "agent-1"));
        await ticketing.PublishAsync(new TicketChanged(Tenant, "ticket-1", at, "in_progress", ["status"]));
        await ticketing.PublishAsync(new TicketResolved(Tenant, "ticket-1", at, "fixed"));

        Assert.Equal(["ticket.created", "ticket.updated", "ticket.closed"], host.Harness.Published.Select(e => e.EventType));
        Assert.All(host.Harness.Published, e => Assert.Equal(Tenant, e.TenantId));
        Assert.Equal(new TicketCreated("ticket-1", "cust-1", "high", "open", at), host.Harness.Published[0].GetData<TicketCreated>());
        await host.Harness.DeliveredToAsync(subscription.Id, "ticket.closed");
    }

    [Fact(DisplayName = DotMacR4 + " (a mapping onto an undeclared event fails at start)")]
    public async Task A_bridge_onto_an_undeclared_event_fails_when_the_host_starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWebhooks().AddEvent("ticket.created", "Ticketing").AddDotMacTicketingBridge();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<UnknownWebhookEventException>(() => host.StartAsync());
        Assert.Equal("ticket.updated", error.EventType);
    }

    [Fact(DisplayName = DotMacR5)]
    public async Task A_coverage_audit_per_category()
    {
        await using var host = await StartAsync();
        await host.Harness.SubscribeAsync(Tenant, "*");
        // The seed publishes 16 of its 47 events: these, by category order of the catalog.
        var published = DotMacEvents.Where((_, i) => i % 3 == 0).Take(16).ToArray();
        Assert.Equal(16, published.Length);

        foreach (var (name, _) in published)
        {
            await host.Publisher.PublishAsync(name, host.ExamplePayload(name), tenantId: Tenant);
        }

        // Publishing one of them again changes counts, not coverage.
        await host.Publisher.PublishAsync(published[0].Name, host.ExamplePayload(published[0].Name), tenantId: Tenant);
        await host.Harness.WaitForIdleAsync();

        var report = await host.Operations.GetCoverageAsync(Tenant);
        Assert.Equal("16 of 47 events published, 34%", report.Summary);
        Assert.Equal(DotMacEvents.Select(e => e.Category).Distinct().Order(), report.Categories.Select(c => c.Category).Order());
        foreach (var category in report.Categories)
        {
            Assert.Equal(DotMacEvents.Count(e => e.Category == category.Category), category.Declared);
            Assert.Equal(published.Count(e => e.Category == category.Category), category.Published);
        }

        Assert.Equal(2, report.Events.Single(e => e.EventType == published[0].Name).Published);
        Assert.Equal(0, report.Events.Single(e => e.EventType == DotMacEvents[1].Name).Published);
        Assert.Contains("**16 of 47 events published, 34%**", report.ToMarkdown(), StringComparison.Ordinal);
        var json = JsonDocument.Parse(report.ToJson()).RootElement;
        Assert.Equal((47, 16, 34), (json.GetProperty("declared").GetInt32(), json.GetProperty("published").GetInt32(), json.GetProperty("percent").GetInt32()));
        Assert.Equal("0 of 47 events published, 0%", (await host.Operations.GetCoverageAsync("tenant-other")).Summary);
    }

    [Fact(DisplayName = DotMacR6)]
    public async Task Every_event_publishes_with_ids_and_tenant_reaches_subscribers_is_logged_and_is_idempotent()
    {
        await using var host = await StartAsync();
        var subscription = await host.Harness.SubscribeAsync(Tenant, "*");
        var other = await host.Harness.SubscribeAsync("tenant-other", "*");

        foreach (var (name, _) in DotMacEvents)
        {
            Assert.True(host.Registry.TryGetEvent(name, out var definition));
            var payload = host.ExamplePayload(name);
            var key = "key-" + name;
            var receipt = await host.Publisher.PublishAsync(name, payload, tenantId: Tenant, idempotencyKey: key);
            var repeat = await host.Publisher.PublishAsync(name, payload, tenantId: Tenant, idempotencyKey: key);
            Assert.Equal((WebhookPublishStatus.Published, receipt.EventId), (WebhookPublishStatus.Published, repeat.EventId));
            Assert.Equal(WebhookPublishStatus.Duplicate, repeat.Status);

            var published = await host.Harness.PublishedAsync(name, Tenant);
            Assert.Contains(published.Data.EnumerateObject(), p => p.Name.EndsWith("Id", StringComparison.Ordinal) || p.Name is "metricName" or "quotaBytes");
            Assert.Equal(definition.PayloadType, payload.GetType());
            await host.Harness.DeliveredToAsync(subscription.Id, name);
            var log = await host.Store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, MessageId = receipt.EventId });
            Assert.Equal(WebhookDeliveryStatus.Succeeded, Assert.Single(log.Items).Status);
        }

        Assert.Equal(47, host.Harness.Published.Count);
        Assert.DoesNotContain(host.Harness.Deliveries, d => d.SubscriptionId == other.Id);
    }
}
