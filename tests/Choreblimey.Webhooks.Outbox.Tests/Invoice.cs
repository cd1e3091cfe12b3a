namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>The business row the tests write next to the webhook.</summary>
public sealed class Invoice
{
    public required string Id { get; set; }

    public long AmountCents { get; set; }
}
