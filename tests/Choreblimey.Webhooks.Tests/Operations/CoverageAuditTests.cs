using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The coverage audit over DotMac's 47-event catalog.</summary>
public sealed class CoverageAuditTests
{
    private static readonly (string Category, string[] Events)[] DotMac =
    [
        ("Billing", ["invoice.created", "invoice.finalized", "invoice.paid", "invoice.voided", "invoice.payment_failed", "payment.succeeded", "payment.failed", "payment.refunded", "subscription.created", "subscription.updated", "subscription.cancelled", "subscription.renewed", "subscription.trial_ending"]),
        ("Credit Notes", ["credit_note.created", "credit_note.issued", "credit_note.voided", "credit_note.applied"]),
        ("Customer", ["customer.created", "customer.updated", "customer.deleted", "customer.suspended", "customer.reactivated", "customer.churned"]),
        ("User", ["user.registered", "user.updated", "user.deleted", "user.login"]),
        ("File Storage", ["file.uploaded", "file.deleted", "file.scan_completed", "storage.quota_exceeded"]),
        ("Data Transfer", ["import.completed", "import.failed", "export.completed", "export.failed"]),
        ("Communication", ["email.delivered", "email.bounced", "bulk_email.completed", "bulk_email.failed"]),
        ("Analytics", ["metric.threshold_exceeded", "report.generated"]),
        ("Audit", ["security.alert", "compliance.violation"]),
        ("Ticketing", ["ticket.created", "ticket.updated", "ticket.closed", "ticket.sla_breach"]),
    ];

    private static readonly string[] Published =
    [
        "invoice.created", "invoice.paid", "payment.succeeded", "payment.failed", "subscription.created", "subscription.cancelled",
        "customer.created", "customer.updated", "user.registered", "user.login", "file.uploaded", "import.completed",
        "email.delivered", "report.generated", "security.alert", "ticket.created",
    ];

    [Fact]
    public async Task Reports_16_of_47_DotMac_events_published_with_categories_markdown_and_json()
    {
        await using var services = TestServices.Build(webhooks =>
        {
            foreach (var (category, events) in DotMac)
            {
                foreach (var name in events)
                {
                    webhooks.AddEvent(name, category);
                }
            }

            webhooks.AddOperationalEvents();
        });
        var store = services.GetRequiredService<IWebhookStore>();
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_billing", "isp-1", ["invoice.*", "payment.*"], url: new Uri("https://127.0.0.1:9/hooks")));
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_paused", "isp-1", ["*"], WebhookSubscriptionState.Paused));
        var publisher = services.GetRequiredService<IWebhookPublisher>();
        foreach (var name in Published)
        {
            await publisher.PublishAsync(name, new { Id = 1 }, tenantId: "isp-1");
        }

        await publisher.PublishAsync("invoice.paid", new { Id = 2 }, tenantId: "isp-2");
        await publisher.PublishAsync("invoice.created", new { Id = 2 }, tenantId: "isp-1");
        var operations = services.GetRequiredService<IWebhookOperations>();
        Assert.Equal(WebhookAttemptOutcome.Blocked, (await operations.SendTestAsync("isp-1", "sub_billing")).Outcome); // the address guard applies to tests too

        // Settle deliveries as the worker would: invoice.created once delivered and once dead-lettered, payment.succeeded
        // delivered; the rest (invoice.paid among them) stay pending, so have no success rate yet.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var leases = await store.ClaimDueDeliveriesAsync(new WebhookClaimRequest("audit", 100, now, TimeSpan.FromMinutes(1)));
        var created = leases.Where(l => l.Delivery.EventType == "invoice.created").ToList();
        Assert.Equal(2, created.Count);
        await SettleAsync(store, created[0], succeeded: true, now);
        await SettleAsync(store, created[1], succeeded: false, now);
        await SettleAsync(store, Assert.Single(leases, l => l.Delivery.EventType == "payment.succeeded"), succeeded: true, now);

        var report = await operations.GetCoverageAsync("isp-1");

        Assert.Equal("16 of 47 events published, 34%", report.Summary);
        Assert.Equal(47, report.Declared);
        Assert.DoesNotContain(report.Events, e => e.EventType.StartsWith("webhook.", StringComparison.Ordinal));
        Assert.Equal(DotMac.Select(c => c.Category), report.Categories.Select(c => c.Category));
        Assert.Equal(new WebhookCoverageCategory("Billing", 13, 6), report.Categories[0]);
        Assert.Equal(46, report.Categories[0].Percent);
        Assert.Equal(new WebhookCoverageCategory("Credit Notes", 4, 0), report.Categories[1]);
        var paid = report.Events.Single(e => e.EventType == "invoice.paid");
        Assert.Equal(1, paid.Published);
        Assert.Equal(1, paid.ActiveSubscriptions);
        Assert.Equal(1, paid.Deliveries);
        Assert.Null(paid.SuccessRate);
        var createdEntry = report.Events.Single(e => e.EventType == "invoice.created");
        Assert.Equal((2, 2), (createdEntry.Published, createdEntry.Deliveries));
        Assert.Equal(0.5, createdEntry.SuccessRate);
        Assert.Equal(1.0, report.Events.Single(e => e.EventType == "payment.succeeded").SuccessRate);
        Assert.Null(report.Events.Single(e => e.EventType == "payment.failed").SuccessRate);
        Assert.Equal(0, report.Events.Single(e => e.EventType == "ticket.closed").Published);
        Assert.Equal(0, report.Events.Single(e => e.EventType == "ticket.created").ActiveSubscriptions);

        var everyone = await operations.GetCoverageAsync();
        Assert.Equal(2, everyone.Events.Single(e => e.EventType == "invoice.paid").Published);
        Assert.Null(everyone.Events[0].ActiveSubscriptions);

        var markdown = report.ToMarkdown();
        Assert.Contains("**16 of 47 events published, 34%**", markdown, StringComparison.Ordinal);
        Assert.Contains("| Billing | 6 | 13 | 46% |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `ticket.closed` | Ticketing | 0 | never | 0 | 0 | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `payment.succeeded` | Billing | 1 | 2026-03-04 05:06:07Z | 1 | 1 | 100 % |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `invoice.created` | Billing | 2 | 2026-03-04 05:06:07Z | 1 | 2 | 50 % |", markdown, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(16, json.RootElement.GetProperty("published").GetInt32());
        Assert.Equal(34, json.RootElement.GetProperty("percent").GetInt32());
        Assert.Equal(47, json.RootElement.GetProperty("events").GetArrayLength());
        Assert.Equal(10, json.RootElement.GetProperty("categories").GetArrayLength());
        var createdJson = json.RootElement.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("eventType").GetString() == "invoice.created");
        Assert.Equal(0.5, createdJson.GetProperty("successRate").GetDouble());
    }

    [Fact]
    public async Task A_tenant_s_event_covered_only_by_a_host_level_subscription_counts_as_covered()
    {
        await using var services = TestServices.Build(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .AddEvent("chore:done", "Chores")
            .AddEvent("reward:granted", "Rewards"));
        var store = services.GetRequiredService<IWebhookStore>();
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_own", "family-1", ["chore:created"]));
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_host", WebhookTenants.All, ["chore:*"]));
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_host_paused", WebhookTenants.All, ["*"], WebhookSubscriptionState.Paused));
        await store.CreateSubscriptionAsync(TestServices.Subscription("sub_other", "family-2", ["*"]));
        var operations = services.GetRequiredService<IWebhookOperations>();

        // The host-level subscription receives family-1's events as its own subscription does.
        var report = await operations.GetCoverageAsync("family-1");
        Assert.Equal(2, report.Events.Single(e => e.EventType == "chore:created").ActiveSubscriptions);
        Assert.Equal(1, report.Events.Single(e => e.EventType == "chore:done").ActiveSubscriptions);
        Assert.Equal(0, report.Events.Single(e => e.EventType == "reward:granted").ActiveSubscriptions);

        // The host-level tenant's own report counts its subscriptions once, and every tenant's events (none carries "*").
        await services.GetRequiredService<IWebhookPublisher>().PublishAsync("chore:created", new { Id = 1 }, tenantId: "family-1");
        var host = await operations.GetCoverageAsync(WebhookTenants.All);
        Assert.Equal(1, host.Events.Single(e => e.EventType == "chore:created").ActiveSubscriptions);
        Assert.Equal(0, host.Events.Single(e => e.EventType == "reward:granted").ActiveSubscriptions);
        Assert.Equal(1, host.Events.Single(e => e.EventType == "chore:created").Published);
    }

    private static async Task SettleAsync(IWebhookStore store, WebhookDeliveryLease lease, bool succeeded, DateTimeOffset now) =>
        Assert.True(await store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = lease.Delivery.Id,
            FencingToken = lease.FencingToken,
            NewStatus = succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.DeadLettered,
            Attempt = new WebhookAttempt
            {
                DeliveryId = lease.Delivery.Id,
                TenantId = lease.Delivery.TenantId,
                AttemptNumber = 1,
                StartedAt = now,
                Duration = TimeSpan.FromMilliseconds(20),
                Outcome = succeeded ? WebhookAttemptOutcome.Succeeded : WebhookAttemptOutcome.HttpError,
                StatusCode = succeeded ? 200 : 500,
            },
        }));
}
