namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>The five hosts' events and requirements, copied from their host descriptions (hosts/*.json).</summary>
internal static class HostData
{
    public static readonly (string Name, string Category)[] ChoreblimeyEvents =
    [
        ("chore:created", "Chores"),
        ("chore:updated", "Chores"),
        ("assignment:created", "Assignments"),
        ("assignment:linked", "Assignments"),
        ("completion:created", "Completions"),
        ("completion:approved", "Completions"),
        ("completion:rejected", "Completions"),
        ("stars:purchase-requested", "Star Purchases"),
        ("stars:purchase-approved", "Star Purchases"),
        ("stars:purchase-rejected", "Star Purchases"),
        ("family-gift:created", "Rewards"),
        ("family-gift:updated", "Rewards"),
        ("family-gift:deleted", "Rewards"),
        ("reward:requested", "Rewards"),
        ("reward:fulfilled", "Rewards"),
        ("reward:rejected", "Rewards"),
        ("payout:created", "Payouts"),
        ("family:settings-updated", "Family"),
        ("family:invite-created", "Family"),
        ("family:member-joined", "Family"),
        ("chat:message", "Chat"),
        ("streaks:settings-updated", "Streaks"),
        ("gift-template:created", "Gifts"),
        ("affiliate:config-updated", "Affiliate"),
    ];

    // Choreblimey requirements:
    public const string ChoreblimeyR1 = "one call next to each existing WebSocket emit, same event name";
    public const string ChoreblimeyR2 = "retry with backoff through a worker queue, never in the request path";
    public const string ChoreblimeyR3 = "multi-tenant: every event scoped to its familyId";
    public const string ChoreblimeyR4 = "environment opt-out flag: WEBHOOK_ENABLED=false sends nothing and breaks nothing";
    public const string ChoreblimeyR5 = "payloads carry identifiers, not PII";
    public const string ChoreblimeyR6 = "integration tests stub the webhook client and assert dispatch on success and on failure (retry) paths";
    public const string ChoreblimeyR7 = "a published contract for partners: event names and payload schema";

    public static readonly (string Name, string Category)[] JossiedbEvents =
    [
        ("item-created", "Inventory"),
        ("item-updated", "Inventory"),
        ("item-deleted", "Inventory"),
        ("low-stock-alert", "Inventory"),
        ("transfer-approval-needed", "Transfers"),
        ("transfer-approved", "Transfers"),
        ("transfer-rejected", "Transfers"),
        ("item-checkout", "Checkout"),
        ("item-checkin", "Checkout"),
        ("user-login", "Users"),
        ("user-logout", "Users"),
    ];

    // Jossiedb requirements:
    public const string JossiedbR1 = "subscription CRUD: create, list, get, update, delete";
    public const string JossiedbR2 = "per-subscription event list and attribute filters: locations, categories, minStockThreshold";
    public const string JossiedbR3 = "per-subscription retry policy (maxRetries default 3, retryDelay default 5 s, exponential backoff), timeout 5 to 60 s, custom headers";
    public const string JossiedbR4 = "delivery log kept 30 days with request and response data, error messages and attempt counts";
    public const string JossiedbR5 = "statistics per subscription: total events, success rate, failed deliveries, last delivery time, last failure time";
    public const string JossiedbR6 = "list failed events; manually retry one event; send a test event to a subscription";
    public const string JossiedbR7 = "circuit breaker and timeout protection so one bad endpoint cannot hang the host";

    public static readonly (string Name, string Category)[] FourAsEvents =
    [
        ("signup", "Accounts"),
        ("booking.created", "Bookings"),
        ("booking.cancelled", "Bookings"),
        ("booking.rescheduled", "Bookings"),
        ("appointment.completed", "Bookings"),
        ("order.refunded", "Orders"),
        ("message.sent", "Messaging"),
        ("rating.created", "Ratings"),
        ("rating.updated", "Ratings"),
        ("ticket.created", "Support"),
        ("ticket.status_changed", "Support"),
        ("ticket.message_added", "Support"),
        ("course.created", "Admin"),
        ("course.updated", "Admin"),
        ("course.deleted", "Admin"),
        ("tutor.created", "Admin"),
        ("tutor.updated", "Admin"),
        ("tutor.rate.updated", "Admin"),
        ("tutor.availability.updated", "Admin"),
        ("error.occurred", "Errors"),
    ];

    // 4AS Tutor Booking requirements:
    public const string FourAsR1 = "per-event-type destination URL from configuration, with a fallback URL when the specific one is unset; skip when neither is set";
    public const string FourAsR2 = "event type validation against a registry; wrong type names (appointment_rescheduled for booking.rescheduled) must be caught";
    public const string FourAsR3 = "typed payload per event type (e.g. BookingCreatedPayload with order, user, money fields and items)";
    public const string FourAsR4 = "every attempt recorded: source, type, payload, status, attempt count";
    public const string FourAsR5 = "retry with exponential backoff (3 attempts), a dead letter queue for permanently failed webhooks, notification of repeated failures";
    public const string FourAsR6 = "rate limiting so the destination is not overloaded";
    public const string FourAsR7 = "unique event id in every payload so duplicates are harmless";
    public const string FourAsR8 = "error.occurred retained 90 days, other events by the default retention";

    public static readonly (string Name, string Category)[] DotMacEvents =
    [
        ("invoice.created", "Billing"),
        ("invoice.finalized", "Billing"),
        ("invoice.paid", "Billing"),
        ("invoice.voided", "Billing"),
        ("invoice.payment_failed", "Billing"),
        ("payment.succeeded", "Billing"),
        ("payment.failed", "Billing"),
        ("payment.refunded", "Billing"),
        ("subscription.created", "Billing"),
        ("subscription.updated", "Billing"),
        ("subscription.cancelled", "Billing"),
        ("subscription.renewed", "Billing"),
        ("subscription.trial_ending", "Billing"),
        ("credit_note.created", "Credit Notes"),
        ("credit_note.issued", "Credit Notes"),
        ("credit_note.voided", "Credit Notes"),
        ("credit_note.applied", "Credit Notes"),
        ("customer.created", "Customer"),
        ("customer.updated", "Customer"),
        ("customer.deleted", "Customer"),
        ("customer.suspended", "Customer"),
        ("customer.reactivated", "Customer"),
        ("customer.churned", "Customer"),
        ("user.registered", "User"),
        ("user.updated", "User"),
        ("user.deleted", "User"),
        ("user.login", "User"),
        ("file.uploaded", "File Storage"),
        ("file.deleted", "File Storage"),
        ("file.scan_completed", "File Storage"),
        ("storage.quota_exceeded", "File Storage"),
        ("import.completed", "Data Transfer"),
        ("import.failed", "Data Transfer"),
        ("export.completed", "Data Transfer"),
        ("export.failed", "Data Transfer"),
        ("email.delivered", "Communication"),
        ("email.bounced", "Communication"),
        ("bulk_email.completed", "Communication"),
        ("bulk_email.failed", "Communication"),
        ("metric.threshold_exceeded", "Analytics"),
        ("report.generated", "Analytics"),
        ("security.alert", "Audit"),
        ("compliance.violation", "Audit"),
        ("ticket.created", "Ticketing"),
        ("ticket.updated", "Ticketing"),
        ("ticket.closed", "Ticketing"),
        ("ticket.sla_breach", "Ticketing"),
    ];

    // DotMac platform requirements:
    public const string DotMacR1 = "events declared once in a registry (an enum); publishing a raw string that is not declared is a defect to be caught";
    public const string DotMacR2 = "publish inside the host's database session, so the event exists only if the business write commits";
    public const string DotMacR3 = "priority on publish (e.g. HIGH for customer events)";
    public const string DotMacR4 = "an adapter that bridges a second in-house event system (TicketingEvents) onto webhook events";
    public const string DotMacR5 = "a coverage audit: per category, declared events vs events actually published (the seed reports 34%, 16 of 47)";
    public const string DotMacR6 = "per new event: publishes when it should, carries all relevant ids, tenant set, registered, subscribers receive it, delivery logged, idempotent";

    public static readonly (string Name, string Category)[] WhatsCrmEvents =
    [
        ("message.new", "Messages"),
        ("message.sent", "Messages"),
        ("message.delivered", "Messages"),
        ("message.read", "Messages"),
        ("message.failed", "Messages"),
        ("conversation.created", "Conversations"),
        ("conversation.updated", "Conversations"),
        ("conversation.assigned", "Conversations"),
        ("conversation.resolved", "Conversations"),
        ("conversation.closed", "Conversations"),
        ("contact.created", "Contacts"),
        ("contact.updated", "Contacts"),
        ("campaign.started", "Campaigns"),
        ("campaign.completed", "Campaigns"),
        ("campaign.failed", "Campaigns"),
        ("flow.started", "Flows"),
        ("flow.completed", "Flows"),
        ("flow.failed", "Flows"),
        ("automation.triggered", "Automations"),
        ("automation.completed", "Automations"),
        ("template.approved", "Templates"),
        ("template.rejected", "Templates"),
    ];

    // WhatsCRM requirements:
    public const string WhatsCrmR1 = "a subscription to '*' receives every event";
    public const string WhatsCrmR2 = "tenant isolation: a tenant's subscriptions receive only that tenant's events";
    public const string WhatsCrmR3 = "publishing never breaks the caller's main flow (fire-and-forget semantics for the caller, failures logged)";
    public const string WhatsCrmR4 = "async delivery for high-volume events; monitor delivery latency; track usage per tenant";
    public const string WhatsCrmR5 = "signature generation verifiable by receivers; HTTPS URLs in production";
    public const string WhatsCrmR6 = "rate limiting; tested with malicious payloads; all user inputs validated";
    public const string WhatsCrmR7 = "alerts for high failure rates; metrics for dashboards; regular log cleanup";
}
