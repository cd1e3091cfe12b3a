namespace Choreblimey.Webhooks;

/// <summary>The outcome of a test send (<see cref="IWebhookOperations.SendTestAsync"/>).</summary>
/// <param name="DeliveryId">The recorded test delivery (its attempt has <see cref="WebhookAttempt.IsTest"/> set).</param>
/// <param name="EventId">The test event's id (sent as <c>webhook-id</c>).</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="StatusCode">The HTTP status, when a response arrived.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Error">The error, when it failed.</param>
/// <param name="ResponseBody">The start of the response body.</param>
public sealed record WebhookTestResult(
    string DeliveryId,
    string EventId,
    WebhookAttemptOutcome Outcome,
    int? StatusCode,
    TimeSpan Duration,
    string? Error,
    string? ResponseBody)
{
    /// <summary>Gets whether the receiver answered 2xx.</summary>
    public bool Succeeded => Outcome == WebhookAttemptOutcome.Succeeded;
}
