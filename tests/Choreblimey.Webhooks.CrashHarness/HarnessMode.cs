namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>What a harness process does.</summary>
internal enum HarnessMode
{
    /// <summary>Publishes <c>--count</c> events through the publisher, acknowledging each, and delivers.</summary>
    PublishAndDeliver,

    /// <summary>Only delivers what is pending in the store.</summary>
    DeliverOnly,

    /// <summary>
    /// Commits one business row and its webhook in one transaction through the outbox, acknowledges it, then idles without
    /// ever starting the worker, until the test kills it.
    /// </summary>
    OutboxCommit,
}
