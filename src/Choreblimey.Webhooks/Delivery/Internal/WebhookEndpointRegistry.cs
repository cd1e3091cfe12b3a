using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>Creates and keeps one <see cref="WebhookEndpointState"/> per subscription.</summary>
/// <remarks>
/// State unused for <see cref="IdleLifetime"/> (or longer, with a long circuit break) is dropped, so subscriptions deleted
/// on another instance, or deleted while one of their deliveries was being processed here, do not keep theirs for ever.
/// After that long nothing is lost with it: its rate limiter has refilled (at the lowest rate allowed, 0.001/s, one
/// token takes 1,000 s) and its breaker's break and sampling windows have passed.
/// </remarks>
internal sealed class WebhookEndpointRegistry(IOptionsMonitor<WebhookOptions> options, TimeProvider timeProvider)
{
    /// <summary>How long a subscription's state is kept without use, at least.</summary>
    internal static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(1);

    /// <summary>How often, at most, idle state is looked for (on the next use after that).</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, WebhookEndpointState> _endpoints = new(StringComparer.Ordinal);
    private long _nextSweepTicks = timeProvider.GetUtcNow().UtcTicks + SweepInterval.Ticks;

    public WebhookEndpointState Get(string subscriptionId)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        SweepIfDue(now);
        while (true)
        {
            var endpoint = _endpoints.GetOrAdd(subscriptionId, static (_, self) => self.Create(), this);
            if (endpoint.TryTouch(now))
            {
                return endpoint;
            }

            // Retired by a sweep just now: take it out if the sweep has not yet, and start afresh.
            _endpoints.TryRemove(new KeyValuePair<string, WebhookEndpointState>(subscriptionId, endpoint));
        }
    }

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

    /// <summary>Gets the number of subscriptions state is kept for.</summary>
    internal int Count => _endpoints.Count;

    private void SweepIfDue(long nowTicks)
    {
        var due = Volatile.Read(ref _nextSweepTicks);
        if (nowTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks, due) != due)
        {
            return;
        }

        var breaker = options.CurrentValue.CircuitBreaker;
        var keep = IdleLifetime > breaker.BreakDuration + breaker.SamplingDuration ? IdleLifetime : breaker.BreakDuration + breaker.SamplingDuration;
        var cutoff = nowTicks - keep.Ticks;
        foreach (var pair in _endpoints)
        {
            if (pair.Value.TryRetire(cutoff))
            {
                _endpoints.TryRemove(pair);
            }
        }
    }

    private WebhookEndpointState Create() =>
        new(options.CurrentValue.MaxConcurrentDeliveriesPerEndpoint, CreatePipeline(), timeProvider.GetUtcNow().UtcTicks);

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
