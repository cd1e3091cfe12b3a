using Polly;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// A subscription's circuit breaker. It is the subscription's, not its destination's: it follows the subscription's
/// lifecycle (closed anew on enable, dropped on delete) and its failures, which the subscription's failure streak and
/// disabling are about too.
/// </summary>
internal sealed class WebhookCircuitState(WebhookCircuitBreaker breaker, long createdAtTicks) : WebhookIdleState(createdAtTicks)
{
    private WebhookCircuitBreaker _breaker = breaker;

    /// <summary>Gets the subscription's current breaker.</summary>
    public WebhookCircuitBreaker Breaker => Volatile.Read(ref _breaker);

    /// <summary>Gets the circuit breaker pipeline of the subscription.</summary>
    public ResiliencePipeline<WebhookSendResult> Pipeline => Breaker.Pipeline;

    /// <summary>
    /// Replaces the circuit breaker with <paramref name="closed"/>, a new one. An attempt in flight finishes on the breaker
    /// it started with, which is then dropped.
    /// </summary>
    public void ReplaceBreaker(WebhookCircuitBreaker closed) => Volatile.Write(ref _breaker, closed);
}
