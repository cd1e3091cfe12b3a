using Polly;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// One circuit breaker of a subscription: its Polly pipeline, and until when its circuit was last opened. Knowing the end
/// of the break lets the worker hand a delivery back before it takes a rate-limit token, a hold place or a destination
/// slot, and before its request is built and signed; Polly's state alone says that a circuit is open, not for how long.
/// </summary>
internal sealed class WebhookCircuitBreaker
{
    private long _openUntilTicks;

    /// <summary>Creates a breaker whose pipeline <paramref name="build"/> makes, reporting its openings to this breaker.</summary>
    public WebhookCircuitBreaker(Func<WebhookCircuitBreaker, ResiliencePipeline<WebhookSendResult>> build) => Pipeline = build(this);

    /// <summary>Gets the pipeline every attempt of the subscription runs through.</summary>
    public ResiliencePipeline<WebhookSendResult> Pipeline { get; }

    /// <summary>
    /// Gets the end of the current break when the circuit opened and its break has not ended by <paramref name="now"/>;
    /// otherwise <see langword="null"/>, and the pipeline decides (closed, or a trial attempt after the break).
    /// </summary>
    public DateTimeOffset? OpenUntil(DateTimeOffset now)
    {
        var until = Volatile.Read(ref _openUntilTicks);
        return until > now.UtcTicks ? new DateTimeOffset(until, TimeSpan.Zero) : null;
    }

    /// <summary>Records that the circuit opened, until <paramref name="until"/>.</summary>
    public void Opened(DateTimeOffset until) => Volatile.Write(ref _openUntilTicks, until.UtcTicks);

    /// <summary>Records that the circuit closed (a trial attempt succeeded).</summary>
    public void Closed() => Volatile.Write(ref _openUntilTicks, 0);
}
