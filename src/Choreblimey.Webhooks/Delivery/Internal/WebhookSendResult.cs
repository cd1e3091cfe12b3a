using System.Net.Http.Headers;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>What one HTTP attempt produced.</summary>
internal sealed record WebhookSendResult(
    WebhookAttemptOutcome Outcome,
    int? StatusCode,
    string? ResponseBody,
    string? Error,
    TimeSpan Duration,
    RetryConditionHeaderValue? RetryAfter);
