using System.Net.Http.Headers;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>What one HTTP attempt produced (a value: one per attempt, carried through the breaker to the record).</summary>
internal readonly record struct WebhookSendResult(
    WebhookAttemptOutcome Outcome,
    int? StatusCode,
    string? ResponseBody,
    string? Error,
    TimeSpan Duration,
    RetryConditionHeaderValue? RetryAfter);
