namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Constants of <see cref="OutboxScenarios"/> for helpers outside the hierarchy.</summary>
internal static class OutboxScenariosAccess
{
    public const string EventType = "invoice.created";

    public const string OtherEventType = "invoice.voided";
}
