namespace Choreblimey.Webhooks;

/// <summary>Why an operation (<see cref="IWebhookOperations"/>) refused a request; see <see cref="WebhookOperationException"/>.</summary>
public enum WebhookOperationError
{
    /// <summary>No reason was given (an exception created with a message only).</summary>
    Unspecified = 0,

    /// <summary>The tenant has no such subscription (<see cref="IWebhookOperations.SendTestAsync"/>).</summary>
    SubscriptionNotFound = 1,

    /// <summary>
    /// The delivery's subscription has been deleted, so there is nowhere to send it again (<see cref="IWebhookOperations.RetryAsync"/>).
    /// </summary>
    SubscriptionDeleted = 2,

    /// <summary>The delivery is a test send, which is never retried: send a new test instead (<see cref="IWebhookOperations.RetryAsync"/>).</summary>
    TestSendNotRetried = 3,

    /// <summary>
    /// A worker holds the delivery under a live lease and may be sending it now: retry once that attempt is recorded
    /// (<see cref="IWebhookOperations.RetryAsync"/>).
    /// </summary>
    DeliveryBeingSent = 4,

    /// <summary>A test was sent but the store did not record its attempt (<see cref="IWebhookOperations.SendTestAsync"/>).</summary>
    TestNotRecorded = 5,
}
