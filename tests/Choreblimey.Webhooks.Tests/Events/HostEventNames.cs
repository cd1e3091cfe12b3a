namespace Choreblimey.Webhooks.Tests.Events;

/// <summary>The event names real host applications publish; every one must be a valid webhook event name.</summary>
internal static class HostEventNames
{
    public static readonly string[] Choreblimey =
    [
        "chore:created", "chore:updated", "assignment:created", "assignment:linked", "completion:created",
        "completion:approved", "completion:rejected", "stars:purchase-requested", "stars:purchase-approved",
        "stars:purchase-rejected", "family-gift:created", "family-gift:updated", "family-gift:deleted",
        "reward:requested", "reward:fulfilled", "reward:rejected", "payout:created", "family:settings-updated",
        "family:invite-created", "family:member-joined", "chat:message", "streaks:settings-updated",
        "gift-template:created", "affiliate:config-updated",
    ];

    public static readonly string[] Jossiedb =
    [
        "item-created", "item-updated", "item-deleted", "low-stock-alert", "transfer-approval-needed",
        "transfer-approved", "transfer-rejected", "item-checkout", "item-checkin", "user-login", "user-logout",
    ];

    public static readonly string[] FourAs =
    [
        "signup", "booking.created", "booking.cancelled", "booking.rescheduled", "appointment.completed",
        "order.refunded", "message.sent", "rating.created", "rating.updated", "ticket.created",
        "ticket.status_changed", "ticket.message_added", "course.created", "course.updated", "course.deleted",
        "tutor.created", "tutor.updated", "tutor.rate.updated", "tutor.availability.updated", "error.occurred",
    ];

    public static readonly string[] DotMac =
    [
        "invoice.created", "invoice.finalized", "invoice.paid", "invoice.voided", "invoice.payment_failed",
        "payment.succeeded", "payment.failed", "payment.refunded", "subscription.created", "subscription.updated",
        "subscription.cancelled", "subscription.renewed", "subscription.trial_ending", "credit_note.created",
        "credit_note.issued", "credit_note.voided", "credit_note.applied", "customer.created", "customer.updated",
        "customer.deleted", "customer.suspended", "customer.reactivated", "customer.churned", "user.registered",
        "user.updated", "user.deleted", "user.login", "file.uploaded", "file.deleted", "file.scan_completed",
        "storage.quota_exceeded", "import.completed", "import.failed", "export.completed", "export.failed",
        "email.delivered", "email.bounced", "bulk_email.completed", "bulk_email.failed", "metric.threshold_exceeded",
        "report.generated", "security.alert", "compliance.violation", "ticket.created", "ticket.updated",
        "ticket.closed", "ticket.sla_breach",
    ];

    public static readonly string[] WhatsCrm =
    [
        "message.new", "message.sent", "message.delivered", "message.read", "message.failed",
        "conversation.created", "conversation.updated", "conversation.assigned", "conversation.resolved",
        "conversation.closed", "contact.created", "contact.updated", "campaign.started", "campaign.completed",
        "campaign.failed", "flow.started", "flow.completed", "flow.failed", "automation.triggered",
        "automation.completed", "template.approved", "template.rejected",
    ];

    /// <summary>All host names, repeats across hosts included (124).</summary>
    public static IEnumerable<string> All => Choreblimey.Concat(Jossiedb).Concat(FourAs).Concat(DotMac).Concat(WhatsCrm);

    /// <summary>Every (host, name) pair, so names repeated across hosts stay distinct test cases.</summary>
    public static TheoryData<string, string> AllAsTheoryData()
    {
        var data = new TheoryData<string, string>();
        foreach (var (host, names) in new[]
        {
            (nameof(Choreblimey), Choreblimey),
            (nameof(Jossiedb), Jossiedb),
            ("4AS", FourAs),
            (nameof(DotMac), DotMac),
            ("WhatsCRM", WhatsCrm),
        })
        {
            foreach (var name in names)
            {
                data.Add(host, name);
            }
        }

        return data;
    }

    public static WebhookEventRegistry CreateRegistry(IEnumerable<string> names, string category = "Test") =>
        new(names.Select(name => new WebhookEventDefinition { Name = name, Category = category }));
}
