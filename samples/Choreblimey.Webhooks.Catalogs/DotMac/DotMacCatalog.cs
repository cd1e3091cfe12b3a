using Choreblimey.Webhooks.Catalogs.DotMac;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DotMac platform's 47 webhook events, each with its typed payload.</summary>
public static class DotMacCatalog
{
    /// <summary>The host's name, used as the contract's title.</summary>
    public const string Title = "DotMac platform";

    /// <summary>Declares DotMac platform's 47 events.</summary>
    /// <param name="builder">The webhooks builder.</param>
    /// <returns>The builder.</returns>
    public static IWebhooksBuilder AddDotMacCatalog(this IWebhooksBuilder builder) =>
        builder
            .AddEvent<InvoiceCreated>("invoice.created", "Billing", "An invoice was created.")
            .AddEvent<InvoiceFinalized>("invoice.finalized", "Billing", "An invoice was finalized.")
            .AddEvent<InvoicePaid>("invoice.paid", "Billing", "An invoice was paid.")
            .AddEvent<InvoiceVoided>("invoice.voided", "Billing", "An invoice was voided.")
            .AddEvent<InvoicePaymentFailed>("invoice.payment_failed", "Billing", "A payment of an invoice failed.")
            .AddEvent<PaymentSucceeded>("payment.succeeded", "Billing", "A payment succeeded.")
            .AddEvent<PaymentFailed>("payment.failed", "Billing", "A payment failed.")
            .AddEvent<PaymentRefunded>("payment.refunded", "Billing", "A payment was refunded.")
            .AddEvent<SubscriptionCreated>("subscription.created", "Billing", "A subscription was created.")
            .AddEvent<SubscriptionUpdated>("subscription.updated", "Billing", "A subscription changed.")
            .AddEvent<SubscriptionCancelled>("subscription.cancelled", "Billing", "A subscription was cancelled.")
            .AddEvent<SubscriptionRenewed>("subscription.renewed", "Billing", "A subscription renewed for a new period.")
            .AddEvent<SubscriptionTrialEnding>("subscription.trial_ending", "Billing", "A subscription's trial ends soon.")
            .AddEvent<CreditNoteCreated>("credit_note.created", "Credit Notes", "A credit note was drafted.")
            .AddEvent<CreditNoteIssued>("credit_note.issued", "Credit Notes", "A credit note was issued.")
            .AddEvent<CreditNoteVoided>("credit_note.voided", "Credit Notes", "A credit note was voided.")
            .AddEvent<CreditNoteApplied>("credit_note.applied", "Credit Notes", "Credit was applied to an invoice.")
            .AddEvent<CustomerCreated>("customer.created", "Customer", "A customer was created.")
            .AddEvent<CustomerUpdated>("customer.updated", "Customer", "A customer changed.")
            .AddEvent<CustomerDeleted>("customer.deleted", "Customer", "A customer was deleted.")
            .AddEvent<CustomerSuspended>("customer.suspended", "Customer", "A customer was suspended.")
            .AddEvent<CustomerReactivated>("customer.reactivated", "Customer", "A suspended customer was reactivated.")
            .AddEvent<CustomerChurned>("customer.churned", "Customer", "A customer churned.")
            .AddEvent<UserRegistered>("user.registered", "User", "A user registered.")
            .AddEvent<UserUpdated>("user.updated", "User", "A user changed.")
            .AddEvent<UserDeleted>("user.deleted", "User", "A user was deleted.")
            .AddEvent<UserLogin>("user.login", "User", "A user logged in.")
            .AddEvent<FileUploaded>("file.uploaded", "File Storage", "A file was uploaded.")
            .AddEvent<FileDeleted>("file.deleted", "File Storage", "A file was deleted.")
            .AddEvent<FileScanCompleted>("file.scan_completed", "File Storage", "A file's malware scan finished.")
            .AddEvent<StorageQuotaExceeded>("storage.quota_exceeded", "File Storage", "A tenant exceeded its storage quota.")
            .AddEvent<ImportCompleted>("import.completed", "Data Transfer", "A data import finished.")
            .AddEvent<ImportFailed>("import.failed", "Data Transfer", "A data import failed.")
            .AddEvent<ExportCompleted>("export.completed", "Data Transfer", "A data export finished.")
            .AddEvent<ExportFailed>("export.failed", "Data Transfer", "A data export failed.")
            .AddEvent<EmailDelivered>("email.delivered", "Communication", "An email was delivered (reported by the email provider).")
            .AddEvent<EmailBounced>("email.bounced", "Communication", "An email bounced.")
            .AddEvent<BulkEmailCompleted>("bulk_email.completed", "Communication", "A bulk email campaign finished.")
            .AddEvent<BulkEmailFailed>("bulk_email.failed", "Communication", "A bulk email campaign failed.")
            .AddEvent<MetricThresholdExceeded>("metric.threshold_exceeded", "Analytics", "A metric crossed its threshold.")
            .AddEvent<ReportGenerated>("report.generated", "Analytics", "A report was generated.")
            .AddEvent<SecurityAlert>("security.alert", "Audit", "Suspicious activity was detected.")
            .AddEvent<ComplianceViolation>("compliance.violation", "Audit", "A compliance check failed.")
            .AddEvent<TicketCreated>("ticket.created", "Ticketing", "A support ticket was opened (bridged from TicketingEvents).")
            .AddEvent<TicketUpdated>("ticket.updated", "Ticketing", "A support ticket changed (bridged from TicketingEvents).")
            .AddEvent<TicketClosed>("ticket.closed", "Ticketing", "A support ticket was closed (bridged from TicketingEvents).")
            .AddEvent<TicketSlaBreach>("ticket.sla_breach", "Ticketing", "A ticket breached its SLA.");
}
