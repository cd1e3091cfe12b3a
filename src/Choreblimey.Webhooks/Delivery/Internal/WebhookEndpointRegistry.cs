using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>Creates and keeps one <see cref="WebhookEndpointState"/> per subscription.</summary>
internal sealed class WebhookEndpointRegistry(IOptionsMonitor<WebhookOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, WebhookEndpointState> _endpoints = new(StringComparer.Ordinal);

    public WebhookEndpointState Get(string subscriptionId) =>
        _endpoints.GetOrAdd(subscriptionId, static (_, self) => self.Create(), this);

    /// <summary>Drops a deleted subscription's state.</summary>
    /// <remarks>
    /// Nothing is disposed: an attempt still in flight keeps using the slots, breaker and rate limiter it holds, and
    /// disposing them under it would throw. None of them holds anything the collector cannot free (the semaphore's wait
    /// handle is never asked for), so they go when the last attempt lets go.
    /// </remarks>
    public void Remove(string subscriptionId) => _endpoints.TryRemove(subscriptionId, out _);

    /// <summary>Gets whether state is kept for the subscription; what a deleted subscription must no longer have.</summary>
    public bool Contains(string subscriptionId) => _endpoints.ContainsKey(subscriptionId);

    /// <summary>
    /// Closes the subscription's circuit with a new breaker (from the current options), keeping its concurrency slots and
    /// rate limiter: attempts still in flight keep counting against the cap, and the tokens they spent stay spent.
    /// </summary>
    public void ResetCircuit(string subscriptionId)
    {
        if (_endpoints.TryGetValue(subscriptionId, out var endpoint))
        {
            endpoint.ReplacePipeline(CreatePipeline());
        }
    }

    private WebhookEndpointState Create() => new(options.CurrentValue.MaxConcurrentDeliveriesPerEndpoint, CreatePipeline());

    private ResiliencePipeline<WebhookSendResult> CreatePipeline()
    {
        var current = options.CurrentValue;
        var builder = new ResiliencePipelineBuilder<WebhookSendResult> { TimeProvider = timeProvider };
        var breaker = current.CircuitBreaker;
        if (breaker.Enabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<WebhookSendResult>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is not null
                    || args.Outcome.Result is { Outcome: not WebhookAttemptOutcome.Succeeded and not WebhookAttemptOutcome.Blocked }),
            });
        }

        return builder.Build();
    }
}
