using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// Creates and keeps the worker's isolation state: one <see cref="WebhookCircuitState"/> per subscription, and one
/// <see cref="WebhookDestinationState"/> per tenant and destination URL, shared by every subscription of the tenant that
/// sends to it.
/// </summary>
/// <remarks>
/// <para>
/// The concurrency cap, the hold limit and the rate limit protect the receiver, so they belong to the URL: keyed by
/// subscription, a URL that several subscriptions send to (routes of a <see cref="WebhookDestinationMap"/> falling back to
/// one key) got each limit once per subscription. The key is the subscriptions' tenant and the URL's absolute form
/// (<see cref="Uri.AbsoluteUri"/>), compared ordinally: URLs that differ only in how their scheme or host were written, or
/// in a default port, are one destination; any other difference (path, query, case of the path) makes another. The tenant
/// is part of the key so that tenants stay apart: one tenant's backlog to a URL another tenant also sends to cannot take
/// that tenant's slots, hold places or tokens. The breaker stays the subscription's: enabling a subscription closes it,
/// deleting one drops it, and one subscription's failures do not rest another's.
/// </para>
/// <para>
/// State unused for <see cref="IdleLifetime"/> (a breaker's, longer with a long circuit break) is dropped, so subscriptions
/// deleted on another instance, or deleted while one of their deliveries was being processed here, and URLs no longer sent
/// to, do not keep theirs for ever. After that long nothing is lost with it: the rate limiters have refilled (at the lowest
/// rate allowed, 0.001/s, one token takes 1,000 s) and the breaker's break and sampling windows have passed.
/// </para>
/// </remarks>
internal sealed class WebhookEndpointRegistry(IOptionsMonitor<WebhookOptions> options, TimeProvider timeProvider)
{
    /// <summary>How long state is kept without use, at least.</summary>
    internal static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(1);

    /// <summary>How often, at most, idle state is looked for (on the next use after that).</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, WebhookCircuitState> _circuits = new(StringComparer.Ordinal);
    // Keyed by the pair rather than a joined string, so a delivery's lookup allocates nothing (strings compare ordinally).
    private readonly ConcurrentDictionary<(string TenantId, string Url), WebhookDestinationState> _destinations = new();
    private long _nextSweepTicks = timeProvider.GetUtcNow().UtcTicks + SweepInterval.Ticks;

    /// <summary>Gets the subscription's circuit breaker state.</summary>
    public WebhookCircuitState GetCircuit(string subscriptionId) =>
        Get(_circuits, subscriptionId, static self => self.CreateCircuit());

    /// <summary>
    /// Gets the state of the destination <paramref name="url"/> in <paramref name="tenantId"/> (the subscriptions' tenant),
    /// shared by every subscription of that tenant that sends to it.
    /// </summary>
    public WebhookDestinationState GetDestination(string tenantId, Uri url) =>
        Get(_destinations, (tenantId, url.AbsoluteUri), static self => self.CreateDestination());

    /// <summary>Drops a deleted subscription's circuit breaker.</summary>
    /// <remarks>
    /// Its destination's state is left to the idle sweep: other subscriptions may send to the same URL, and the attempts in
    /// flight to it still count against its cap and rate. Nothing is disposed: an attempt still in flight keeps using the
    /// breaker it holds.
    /// </remarks>
    public void Remove(string subscriptionId) => _circuits.TryRemove(subscriptionId, out _);

    /// <summary>Gets whether a circuit breaker is kept for the subscription; what a deleted subscription must no longer have.</summary>
    public bool ContainsCircuit(string subscriptionId) => _circuits.ContainsKey(subscriptionId);

    /// <summary>Gets whether state is kept for the destination <paramref name="url"/>.</summary>
    public bool ContainsDestination(string tenantId, Uri url) => _destinations.ContainsKey((tenantId, url.AbsoluteUri));

    /// <summary>
    /// Closes the subscription's circuit with a new breaker (from the current options). Only the breaker: its destination's
    /// slots and rate limiters are untouched, so attempts in flight keep counting against the cap, and the tokens they spent
    /// stay spent.
    /// </summary>
    public void ResetCircuit(string subscriptionId)
    {
        if (_circuits.TryGetValue(subscriptionId, out var circuit))
        {
            circuit.ReplaceBreaker(CreateBreaker());
        }
    }

    /// <summary>Gets the number of subscriptions a circuit breaker is kept for.</summary>
    internal int CircuitCount => _circuits.Count;

    /// <summary>Gets the number of tenant and destination URL pairs state is kept for.</summary>
    internal int DestinationCount => _destinations.Count;

    private T Get<TKey, T>(ConcurrentDictionary<TKey, T> states, TKey key, Func<WebhookEndpointRegistry, T> create)
        where TKey : notnull
        where T : WebhookIdleState
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        SweepIfDue(now);
        while (true)
        {
            var state = states.GetOrAdd(key, static (_, arguments) => arguments.create(arguments.self), (self: this, create));
            if (state.TryTouch(now))
            {
                return state;
            }

            // Retired by a sweep just now: take it out if the sweep has not yet, and start afresh.
            states.TryRemove(new KeyValuePair<TKey, T>(key, state));
        }
    }

    private void SweepIfDue(long nowTicks)
    {
        var due = Volatile.Read(ref _nextSweepTicks);
        if (nowTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, nowTicks + SweepInterval.Ticks, due) != due)
        {
            return;
        }

        // A breaker is kept until its break and sampling windows have passed too: dropped sooner, an open circuit would close.
        var breaker = options.CurrentValue.CircuitBreaker;
        var windows = breaker.BreakDuration + breaker.SamplingDuration;
        Sweep(_circuits, nowTicks - (IdleLifetime > windows ? IdleLifetime : windows).Ticks);
        Sweep(_destinations, nowTicks - IdleLifetime.Ticks);
    }

    private static void Sweep<TKey, T>(ConcurrentDictionary<TKey, T> states, long cutoffTicks)
        where TKey : notnull
        where T : WebhookIdleState
    {
        foreach (var pair in states)
        {
            if (pair.Value.TryRetire(cutoffTicks))
            {
                states.TryRemove(pair);
            }
        }
    }

    private WebhookCircuitState CreateCircuit() => new(CreateBreaker(), timeProvider.GetUtcNow().UtcTicks);

    private WebhookDestinationState CreateDestination() =>
        new(options.CurrentValue.MaxConcurrentDeliveriesPerEndpoint, timeProvider, timeProvider.GetUtcNow().UtcTicks);

    private WebhookCircuitBreaker CreateBreaker() => new(CreatePipeline);

    private ResiliencePipeline<WebhookSendResult> CreatePipeline(WebhookCircuitBreaker reportTo)
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
                OnOpened = args =>
                {
                    reportTo.Opened(timeProvider.GetUtcNow() + args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    reportTo.Closed();
                    return default;
                },
            });
        }

        return builder.Build();
    }
}
