namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>The business row outbox-commit writes next to its webhook (the outbox tests' <c>invoices</c> table).</summary>
internal sealed class HarnessInvoice
{
    public required string Id { get; set; }

    public long AmountCents { get; set; }
}
