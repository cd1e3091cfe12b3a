using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Choreblimey.Webhooks.Diagnostics;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Signing.Internal;
using Choreblimey.Webhooks.Storage.Internal;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Choreblimey.Webhooks.Delivery.Internal;

/// <summary>
/// Claims due deliveries in batches under leases, sends them with bounded concurrency (globally and per destination URL), and
/// records every attempt with the lease's fencing token. On shutdown it stops claiming and lets attempts in flight finish;
/// any it cannot finish keep their lease until it lapses, and are then claimed again.
/// </summary>
internal sealed class WebhookDeliveryWorker : BackgroundService
{
    private static readonly TimeSpan MaxErrorBackoff = TimeSpan.FromSeconds(30);

    // Outcomes waiting for their record, per send slot. A durable store commits the records queued while its previous
    // commit ran (group commit), so a commit can carry at most the records waiting: with as many as the send slots, SQLite
    // committed about half of them at a time and spent most of each delivery's share of its writer on the flush. Four times
    // as many doubled its batches and raised its drain by 3-31 % in alternating runs; the bound still keeps these
    // deliveries (their leases and payloads) few.
    private const int RecordingPermitsPerSendSlot = 4;

    private readonly IWebhookStore _store;
    private readonly WebhookSubscriptionRouter _router;
    private readonly WebhookWorkerSignal _signal;
    private readonly WebhookEndpointRegistry _endpoints;
    private readonly WebhookRetryPolicy _retryPolicy;
    private readonly WebhookRequestFactory _requests;
    private readonly WebhookRoutingMetrics _routingMetrics;
    private readonly IServiceProvider _services;
    private readonly WebhookMetrics _metrics;
    private readonly WebhookAttemptWindow _attemptWindow;
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly CancellationTokenSource _hardStop = new();
    private readonly ConcurrentQueue<WebhookDeliveryLease> _ahead = new();
    private readonly TaskCompletionSource _allFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _workerId;
    private int _inFlight = 1; // The claim loop's own reference: it is given up at shutdown, so the count reaches zero only then.
    private volatile bool _backlog; // The last claim came back full: claims take a batch ahead (see ExecuteAsync).
    private int _refillRequested;
    private WebhookHttpSender? _sender;
    private bool? _keepSender;

    public WebhookDeliveryWorker(
        IWebhookStore store,
        WebhookSubscriptionRouter router,
        WebhookWorkerSignal signal,
        WebhookEndpointRegistry endpoints,
        WebhookRetryPolicy retryPolicy,
        WebhookRequestFactory requests,
        WebhookRoutingMetrics routingMetrics,
        IServiceProvider services,
        WebhookMetrics metrics,
        WebhookAttemptWindow attemptWindow,
        TimeProvider timeProvider,
        IOptionsMonitor<WebhookOptions> options,
        ILogger<WebhookDeliveryWorker> logger)
    {
        _store = store;
        _router = router;
        _signal = signal;
        _endpoints = endpoints;
        _retryPolicy = retryPolicy;
        _requests = requests;
        _routingMetrics = routingMetrics;
        _services = services;
        _metrics = metrics;
        _attemptWindow = attemptWindow;
        _timeProvider = timeProvider;
        _options = options;
        _logger = logger;
        _workerId = options.CurrentValue.WorkerId
            ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
    }

    /// <summary>Gets the lease owner id of this worker.</summary>
    public string WorkerId => _workerId;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host's shutdown timeout runs out, abandon attempts in flight: their leases lapse and they are retried.
        using var registration = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _hardStop);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _hardStop.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.CurrentValue;
        if (!options.Enabled)
        {
            return;
        }

        WebhookLog.WorkerStarted(_logger, _workerId, options.MaxConcurrentDeliveries, options.MaxConcurrentDeliveriesPerEndpoint);
        using var slots = new SemaphoreSlim(options.MaxConcurrentDeliveries, options.MaxConcurrentDeliveries);
        var recordingPermits = options.MaxConcurrentDeliveries * RecordingPermitsPerSendSlot;
        using var recordings = new SemaphoreSlim(recordingPermits, recordingPermits);
        var listening = _store is IWebhookStoreNotifications notifications ? ListenAsync(notifications, stoppingToken) : Task.CompletedTask;
        var errorBackoff = TimeSpan.Zero;

        // Claim-ahead: while the last claim came back full (a backlog), each claim also takes up to one batch more than the
        // free slots, kept in order in _ahead and started as slots free up (by this loop, or by a delivery that has just
        // finished, see ProcessAsync). Under load this turns one store round trip per delivery into one per
        // batch; when the queue is short, claims ask for the free slots only, as before.
        //
        // The next batch is claimed when the leases ahead run down to half a batch (a finishing delivery hands its slot to
        // this loop instead of to the next lease, see ProcessAsync), not when they have run out: a claim through a durable
        // store waits for its commit, and the slots that freed up meanwhile had nothing to start.
        while (!stoppingToken.IsCancellationRequested)
        {
            var taken = 0;
            try
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                taken = 1;
                while (taken < options.MaxConcurrentDeliveries && slots.Wait(0, CancellationToken.None))
                {
                    taken++;
                }

                while (taken > 0 && _ahead.TryDequeue(out var claimedAhead))
                {
                    taken--;
                    Start(claimedAhead, new WebhookWorkerSlot(slots, recordings), stoppingToken);
                }

                // A refill request stays set through the claim it asked for, so that no other delivery asks for a second one.
                var refill = Volatile.Read(ref _refillRequested) == 1;
                if (taken == 0 && !(refill && _backlog))
                {
                    if (refill)
                    {
                        Volatile.Write(ref _refillRequested, 0);
                    }

                    continue;
                }

                // Another instance may have rotated, paused, deleted or disabled a subscription this one has cached: what is
                // claimed now is sent with what the store holds, not with what the cache held up to its duration ago.
                await _router.RevalidateAsync(WebhookConstants.SubscriptionRevalidationInterval, stoppingToken).ConfigureAwait(false);
                var want = Math.Min(taken, options.ClaimBatchSize);
                var request = _backlog ? want + options.ClaimBatchSize : want;
                var now = _timeProvider.GetUtcNow();
                var leases = await _store.ClaimDueDeliveriesAsync(new WebhookClaimRequest(_workerId, request, now, options.LeaseDuration), stoppingToken).ConfigureAwait(false);
                errorBackoff = TimeSpan.Zero;
                _backlog = leases.Count == request;
                Volatile.Write(ref _refillRequested, 0);
                var started = 0;
                foreach (var lease in leases)
                {
                    if (started < taken)
                    {
                        started++;
                        Start(lease, new WebhookWorkerSlot(slots, recordings), stoppingToken);
                    }
                    else
                    {
                        _ahead.Enqueue(lease);
                    }
                }

                var unused = taken - started;
                taken = 0;
                if (unused > 0)
                {
                    slots.Release(unused);
                }

                if (leases.Count == 0)
                {
                    await WaitForWorkAsync(options, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop must survive store outages; the failure is logged and retried with backoff.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Volatile.Write(ref _refillRequested, 0);
                if (taken > 0)
                {
                    slots.Release(taken);
                }

                errorBackoff = errorBackoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(errorBackoff.Ticks * 2, MaxErrorBackoff.Ticks));
                WebhookLog.WorkerLoopFailed(_logger, errorBackoff, exception);
                try
                {
                    await Task.Delay(errorBackoff, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            options = _options.CurrentValue;
        }

        // Leases claimed ahead and never started go back at once, so another worker (or this one, restarted) need not wait for them to lapse.
        while (_ahead.TryDequeue(out var unstarted))
        {
            try
            {
                await ReleaseAsync(unstarted, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: a lease that cannot be handed back lapses and the delivery is claimed again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                WebhookLog.ProcessingFailed(_logger, unstarted.Delivery.Id, exception);
            }
        }

        WebhookLog.WorkerStopping(_logger, _workerId, Volatile.Read(ref _inFlight) - 1);
        Finished();
        await _allFinished.Task.ConfigureAwait(false);
        await listening.ConfigureAwait(false);
    }

    private async Task ListenAsync(IWebhookStoreNotifications notifications, CancellationToken stoppingToken)
    {
        // Other instances' publishes arrive as store notifications; turning them into local wake-ups keeps polling a fallback.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await notifications.WaitForNotificationAsync(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false))
                {
                    _signal.Notify();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A broken notification channel must not stop delivery; polling still finds the work.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                WebhookLog.WorkerLoopFailed(_logger, TimeSpan.FromSeconds(5), exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WaitForWorkAsync(WebhookOptions options, CancellationToken stoppingToken)
    {
        var deadline = _timeProvider.GetUtcNow() + options.PollInterval;
        var nextDue = await _store.GetNextDueTimeAsync(stoppingToken).ConfigureAwait(false);
        if (nextDue is { } due && due < deadline)
        {
            deadline = due;
        }

        await _signal.WaitUntilAsync(deadline, _timeProvider, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Starts a claimed delivery; shutdown waits for every delivery started here.</summary>
    private void Start(WebhookDeliveryLease lease, WebhookWorkerSlot slot, CancellationToken stoppingToken)
    {
        // A count rather than a set of tasks: no lock, no continuation and no set entry per delivery.
        Interlocked.Increment(ref _inFlight);
        _ = ProcessAndReleaseSlotAsync(lease, slot, stoppingToken);
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _allFinished.TrySetResult();
        }
    }

    private async Task ProcessAndReleaseSlotAsync(WebhookDeliveryLease lease, WebhookWorkerSlot slot, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await ProcessAsync(lease, slot, stoppingToken, _hardStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            // Abandoned at shutdown: the lease lapses and another worker (or this one, after a restart) retries it.
        }
#pragma warning disable CA1031 // One delivery's failure must not stop the worker; its lease lapses and it is retried.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            WebhookLog.ProcessingFailed(_logger, lease.Delivery.Id, exception);
        }
        finally
        {
            slot.Complete();
            Finished();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ProcessAsync(WebhookDeliveryLease lease, WebhookWorkerSlot slot, CancellationToken stoppingToken, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var delivery = lease.Delivery;
        if (options.EventTimeToLive is { } timeToLive && _timeProvider.GetUtcNow() - lease.Message.Timestamp > timeToLive)
        {
            // Too old to be useful to the receiver: dead-letter it without sending.
            _routingMetrics.Expired();
            WebhookRoutingLog.DeliveryExpired(_logger, delivery.Id, lease.Message.Id, delivery.SubscriptionId, timeToLive);
            await RecordAsync(lease, subscription: null, new WebhookSendResult(
                WebhookAttemptOutcome.Blocked,
                null,
                null,
                string.Create(CultureInfo.InvariantCulture, $"Expired: the event was published at {lease.Message.Timestamp.UtcDateTime:O}, longer ago than its time to live of {timeToLive} (WebhookOptions.EventTimeToLive); it was not sent."),
                TimeSpan.Zero,
                null), _timeProvider.GetUtcNow(), options, cancellationToken).ConfigureAwait(false);
            return;
        }

        var subscription = await _router.GetSubscriptionAsync(delivery.TenantId, delivery.SubscriptionId, cancellationToken).ConfigureAwait(false)
            ?? await FindUncachedSubscriptionAsync(delivery, cancellationToken).ConfigureAwait(false);
        if (subscription is null)
        {
            // The store says it is gone: deleted on another instance, which could not drop this one's breaker for it.
            _endpoints.Remove(delivery.SubscriptionId);
            _services.GetService<WebhookDeliveryObserver>()?.Forget(delivery.SubscriptionId);
            var now = _timeProvider.GetUtcNow();
            await RecordAsync(lease, subscription: null, new WebhookSendResult(
                WebhookAttemptOutcome.Blocked,
                null,
                null,
                $"The subscription '{delivery.SubscriptionId}' no longer exists.",
                TimeSpan.Zero,
                null), now, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (subscription.State != WebhookSubscriptionState.Active)
        {
            await HoldAsync(lease, subscription, options, cancellationToken).ConfigureAwait(false);
            return;
        }

        // An open circuit hands the delivery back first, due when the break ends, before it takes anything its destination's
        // other deliveries need or its request is built and signed. A break that ended is left to the breaker, which lets one
        // trial attempt through and hands the rest back (in AttemptAsync).
        var circuit = _endpoints.GetCircuit(subscription.Id);
        if (circuit.Breaker.OpenUntil(_timeProvider.GetUtcNow()) is { } breakEnds)
        {
            WebhookLog.CircuitOpen(_logger, subscription.Id, delivery.Id, breakEnds);
            await ReleaseAsync(lease, breakEnds, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The token is taken next, so that a delivery over the rate is handed back at once, due exactly when a token will
        // be free, without taking a hold place or waiting for a slot. Every later check that hands the delivery back gives
        // the token back too: spent unsent, it would hold the destination below its rate. The token, the hold place and the
        // slot are the destination URL's, shared with every subscription of the tenant that sends to it; the breaker is the
        // subscription's.
        var destination = _endpoints.GetDestination(subscription.TenantId, subscription.Url);
        var limiter = subscription.RateLimitPerSecond is { } rate ? destination.GetRateLimiter(rate) : null;
        if (limiter is not null && !limiter.TryAcquire(out var retryAfter))
        {
            // No token: hand the lease back, due when one will be, without counting an attempt.
            var dueAt = _timeProvider.GetUtcNow() + retryAfter;
            _routingMetrics.RateLimited();
            WebhookRoutingLog.RateLimited(_logger, delivery.Id, subscription.Id, dueAt);
            await ReleaseAsync(lease, dueAt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var holdLimit = options.MaxConcurrentDeliveriesPerEndpoint * 2;
        if (!destination.TryHold(holdLimit))
        {
            // This URL already has as many leases here as it can use; give the rest back so others are not starved.
            limiter?.Refund();
            await ReleaseAsync(lease, _timeProvider.GetUtcNow() + options.PollInterval, cancellationToken).ConfigureAwait(false);
            return;
        }

        circuit.Hold();
        (WebhookSendResult Result, DateTimeOffset StartedAt)? attempt;
        try
        {
            await destination.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                attempt = await AttemptAsync(lease, subscription, circuit, limiter, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                destination.Slots.Release();
            }
        }
        finally
        {
            circuit.Unhold();
            destination.Unhold();
        }

        if (attempt is { } sent)
        {
            // The receiver has answered: the send slot goes to the next delivery while this outcome is written. While a
            // backlog lasts that is the next lease claimed ahead, started from here rather than by waking the claim loop.
            await slot.AcquireRecordingPermitAsync(cancellationToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested && !_ahead.IsEmpty && !IsRefillTurn(options) && slot.PassSendSlot() is { } passed)
            {
                if (_ahead.TryDequeue(out var claimedAhead))
                {
                    Start(claimedAhead, passed, stoppingToken);
                }
                else
                {
                    passed.Complete();
                }
            }
            else
            {
                slot.ReleaseSend();
            }

            await RecordAsync(lease, subscription, sent.Result, sent.StartedAt, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether this finishing delivery should wake the claim loop (by giving its send slot back rather than starting the next
    /// lease ahead) because a backlog is being worked through and the leases ahead are down to half a batch. Only one
    /// delivery is picked per claim; the others go on starting the leases still ahead while the claim runs.
    /// </summary>
    private bool IsRefillTurn(WebhookOptions options) =>
        _backlog
        && _ahead.Count <= options.ClaimBatchSize / 2
        && Interlocked.CompareExchange(ref _refillRequested, 1, 0) == 0;

    /// <summary>
    /// Reads a subscription the routing cache does not have from the store. Another instance may have created it since this
    /// one cached the tenant (within <see cref="WebhookOptions.SubscriptionCacheDuration"/>) and published to it at once;
    /// only the store can say it no longer exists, which dead-letters the delivery for good.
    /// </summary>
    private async ValueTask<WebhookSubscription?> FindUncachedSubscriptionAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var subscription = await _store.FindForTenantAsync(delivery.TenantId, delivery.SubscriptionId, cancellationToken).ConfigureAwait(false);
        if (subscription is not null)
        {
            // The cache is behind the store: reload it, so the deliveries that follow find the subscription there.
            _router.Invalidate(subscription.TenantId);
        }

        return subscription;
    }

    /// <summary>
    /// Sends one attempt; <see langword="null"/> when the lease was handed back instead (circuit open, too little lease left).
    /// Whatever stops the send gives back the rate-limit token taken for it from <paramref name="limiter"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(WebhookSendResult Result, DateTimeOffset StartedAt)?> AttemptAsync(
        WebhookDeliveryLease lease, WebhookSubscription subscription, WebhookCircuitState circuit, WebhookRateLimiter? limiter, WebhookOptions options, CancellationToken cancellationToken)
    {
        var timeout = subscription.Timeout ?? options.AttemptTimeout;
        var now = _timeProvider.GetUtcNow();
        if (now + timeout > lease.LeaseExpiresAt)
        {
            // Not enough lease left to finish an attempt safely (it waited long for its destination); hand it back rather
            // than risk a second sender, and let the next claim start with a full lease.
            limiter?.Refund();
            await ReleaseAsync(lease, now + options.PollInterval, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // The attempt joins the publisher's trace (the publish span is its parent), and the receiver gets it as traceparent.
        ActivityContext.TryParse(lease.Message.TraceParent, null, out var publishContext);
        using var activity = WebhookActivitySource.Instance.StartActivity("webhooks attempt", ActivityKind.Client, publishContext);
        activity?.SetTag("webhooks.event.type", lease.Message.EventType);
        activity?.SetTag("webhooks.event.id", lease.Message.Id);
        activity?.SetTag("webhooks.delivery.id", lease.Delivery.Id);
        activity?.SetTag("webhooks.subscription.id", subscription.Id);

        WebhookSendRequest request;
        try
        {
            request = _requests.Create(lease.Message, subscription, now, activity?.Id ?? lease.Message.TraceParent, timeout, options.MaxResponseBodyBytes);
        }
#pragma warning disable CA1031 // A request that cannot be built (a host's envelope formatter throwing) is a failed attempt.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            // Nothing goes to the receiver, so its token is given back.
            limiter?.Refund();

            // Recorded like a failed send, so the retry schedule and dead-lettering apply; left unrecorded, the lease would
            // lapse and the delivery be claimed and fail the same way forever, pending with no attempt.
            var failed = new WebhookSendResult(
                WebhookAttemptOutcome.NetworkError,
                null,
                null,
                "The request could not be built, so nothing was sent: " + DescribeUnexpected(exception, subscription.Url),
                TimeSpan.Zero,
                null);
            activity?.SetStatus(ActivityStatusCode.Error, failed.Error);
            return (failed, now);
        }

        WebhookSendResult result;
        var sendStarted = _timeProvider.GetTimestamp();
        try
        {
            var sender = GetSender();
            result = await circuit.Pipeline.ExecuteAsync(
                static (state, token) => state.sender.SendAsync(state.request, token),
                (sender, request),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException exception)
        {
            limiter?.Refund();
            var dueAt = _timeProvider.GetUtcNow() + (exception.RetryAfter ?? options.CircuitBreaker.BreakDuration);
            WebhookLog.CircuitOpen(_logger, subscription.Id, lease.Delivery.Id, dueAt);
            await ReleaseAsync(lease, dueAt, cancellationToken).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // Whatever the send throws is a failed attempt; only a hard stop is not one.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // The sender classifies the failures it knows; anything else is still recorded, so the retry schedule,
            // dead-lettering and the failure streak apply. Left unrecorded, the lease would lapse and the delivery be retried
            // forever without its attempt count ever rising. The exception itself is not logged: its message may quote the
            // URL; the recorded error (logged with the attempt) names its type and the message without the URL's path.
            result = new WebhookSendResult(
                WebhookAttemptOutcome.NetworkError,
                null,
                null,
                DescribeUnexpected(exception, subscription.Url),
                _timeProvider.GetElapsedTime(sendStarted),
                null);
        }

        activity?.SetTag("http.response.status_code", result.StatusCode);
        if (result.Outcome != WebhookAttemptOutcome.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        return (result, now);
    }

    private WebhookHttpSender GetSender()
    {
        if (_sender is { } cached)
        {
            return cached;
        }

        // The typed client's handler is not rotated by default (its lifetime is infinite; the primary handler renews its own
        // connections), so one client then serves the worker's whole life instead of a new one per attempt. A host that set a
        // handler lifetime of its own gets a client per attempt, so that the factory's rotation reaches the worker.
        var sender = _services.GetRequiredService<WebhookHttpSender>();
        _keepSender ??= _services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(WebhookConstants.HttpClientName).HandlerLifetime == Timeout.InfiniteTimeSpan;
        if (_keepSender == true)
        {
            _sender = sender;
        }

        return sender;
    }

    private static string DescribeUnexpected(Exception exception, Uri url)
    {
        // Receiver URLs often carry credentials in their path or query (Zapier, Make.com); a message quoting the URL keeps
        // only its scheme and authority.
        var message = exception.Message;
        var safe = url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) + "/…";
        foreach (var form in new[] { url.OriginalString, url.AbsoluteUri, url.ToString() })
        {
            message = message.Replace(form, safe, StringComparison.Ordinal);
        }

        if (url.PathAndQuery.Length > 1)
        {
            message = message.Replace(url.PathAndQuery, "/…", StringComparison.Ordinal);
        }

        return $"The attempt failed with an unexpected {exception.GetType().FullName}: {message}";
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RecordAsync(WebhookDeliveryLease lease, WebhookSubscription? subscription, WebhookSendResult result, DateTimeOffset startedAt, WebhookOptions options, CancellationToken cancellationToken)
    {
        var delivery = lease.Delivery;
        var attemptNumber = delivery.AttemptCount + 1;
        var now = _timeProvider.GetUtcNow();
        var attempt = new WebhookAttempt
        {
            DeliveryId = delivery.Id,
            TenantId = delivery.TenantId,
            AttemptNumber = attemptNumber,
            StartedAt = startedAt,
            Duration = result.Duration,
            Outcome = result.Outcome,
            StatusCode = result.StatusCode,
            ResponseBody = result.ResponseBody,
            Error = result.Error,
        };
        _metrics.Attempt(result.Outcome, result.Duration);
        if (subscription is not null && delivery.EventType != WebhookOperationalEvents.Test)
        {
            // Only what was sent (or could not be): an expired event or a deleted subscription's delivery is dead-lettered
            // unsent, and a burst of those says nothing about the receivers.
            _attemptWindow.Record(result.Outcome);
        }

        WebhookDeliveryStatus newStatus;
        var nextAttemptAt = now;
        var gone = result.StatusCode == 410;
        if (result.Outcome == WebhookAttemptOutcome.Succeeded)
        {
            newStatus = WebhookDeliveryStatus.Succeeded;
        }
        else if (gone || result.Outcome == WebhookAttemptOutcome.Blocked || subscription is null
            || attemptNumber >= WebhookRetryPolicy.GetMaxAttempts(subscription, options.Retry))
        {
            newStatus = WebhookDeliveryStatus.DeadLettered;
        }
        else
        {
            newStatus = WebhookDeliveryStatus.Pending;
            var delay = WebhookRetryPolicy.GetRetryAfter(result.StatusCode ?? 0, result.RetryAfter, now, options.Retry)
                ?? _retryPolicy.GetDelay(attemptNumber + 1, subscription.RetrySchedule ?? (IReadOnlyList<TimeSpan>)options.Retry.Schedule, options.Retry.JitterFactor);
            nextAttemptAt = now + delay;
        }

        var recorded = await _store.RecordAttemptAsync(new WebhookAttemptRecord
        {
            DeliveryId = delivery.Id,
            FencingToken = lease.FencingToken,
            Attempt = attempt,
            NewStatus = newStatus,
            NextAttemptAt = nextAttemptAt,
        }, cancellationToken).ConfigureAwait(false);

        if (!recorded)
        {
            WebhookLog.LeaseLost(_logger, delivery.Id);
            return;
        }

        if (newStatus == WebhookDeliveryStatus.Pending)
        {
            // The idle loop may be asleep until a later time it saw before this retry existed.
            _signal.Notify();
        }

        switch (newStatus)
        {
            case WebhookDeliveryStatus.Succeeded:
                _metrics.Delivered(now - lease.Message.Timestamp);
                WebhookLog.AttemptSucceeded(_logger, delivery.Id, lease.Message.Id, delivery.SubscriptionId, result.StatusCode ?? 0, result.Duration.TotalMilliseconds, attemptNumber);
                break;
            case WebhookDeliveryStatus.DeadLettered:
                _metrics.DeadLettered();
                WebhookLog.DeadLettered(_logger, delivery.Id, lease.Message.Id, delivery.SubscriptionId, attemptNumber, result.Outcome, WebhookLog.StatusText(result.StatusCode), result.Error);
                break;
            default:
                WebhookLog.AttemptFailed(_logger, delivery.Id, lease.Message.Id, delivery.SubscriptionId, attemptNumber, result.Outcome, WebhookLog.StatusText(result.StatusCode), result.Error, nextAttemptAt);
                break;
        }

        var streakReason = _services.GetService<WebhookDeliveryObserver>() is { } observer
            ? await observer.OnAttemptRecordedAsync(delivery, subscription, attempt, newStatus, cancellationToken).ConfigureAwait(false)
            : null;
        if (subscription is not null && (gone || streakReason is not null))
        {
            await DisableSubscriptionAsync(subscription, gone ? "The receiver answered 410 Gone." : streakReason!, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DisableSubscriptionAsync(WebhookSubscription subscription, string reason, CancellationToken cancellationToken)
    {
        // Written only over the version it was read from: an owner's edit at the same moment (a fixed URL) is kept, and
        // the disable is applied to it, or dropped if the owner disabled it first. Only an active subscription is disabled:
        // one its owner paused while this attempt was in flight stays paused, since disabled ones are still routed new
        // events (held), which the pause stopped; if the receiver is still gone, the first attempt after a resume says so.
        var change = await WebhookSubscriptionWriter.ChangeAsync(
            _store,
            _timeProvider,
            subscription.TenantId,
            subscription.Id,
            (current, _) => current.State != WebhookSubscriptionState.Active ? null : current with { State = WebhookSubscriptionState.Disabled, DisabledReason = reason },
            cancellationToken).ConfigureAwait(false);
        if (change is { Written: true, Subscription: { } disabled })
        {
            _router.Invalidate(subscription.TenantId);
            _metrics.SubscriptionDisabled();
            WebhookLog.SubscriptionDisabled(_logger, subscription.Id, subscription.TenantId, reason);
            if (_services.GetService<WebhookDeliveryObserver>() is { } observer)
            {
                await observer.OnSubscriptionDisabledAsync(disabled, reason, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task HoldAsync(WebhookDeliveryLease lease, WebhookSubscription subscription, WebhookOptions options, CancellationToken cancellationToken)
    {
        // Kept, not dropped: it waits until the subscription is active again (or is replayed).
        var delivery = lease.Delivery;
        if (!await _store.ReleaseLeaseAsync(new WebhookLeaseRelease(delivery.Id, lease.FencingToken, _timeProvider.GetUtcNow() + options.InactiveSubscriptionRecheckInterval), cancellationToken).ConfigureAwait(false))
        {
            WebhookLog.LeaseLost(_logger, delivery.Id);
            return;
        }

        // Enabling a subscription makes its held deliveries due, but not one leased at that moment (taking that one from
        // its worker could send it twice). If the subscription became active while this one was being set aside, the
        // store says so now, past the routing cache: make it due at once rather than after a whole recheck interval.
        // The re-queue is the enable's own (pending and not leased): an enable that came after the release may already
        // have made this delivery due, and a worker may have claimed or even delivered it since; an unconditional re-queue
        // would take it from that worker or make a delivered one pending again, and it would be sent twice.
        var current = await _store.GetSubscriptionAsync(subscription.TenantId, subscription.Id, cancellationToken).ConfigureAwait(false);
        if (current is { State: WebhookSubscriptionState.Active })
        {
            _router.Invalidate(subscription.TenantId);
            var requeued = await WebhookHeldDeliveries.MakeDueAsync(_store, subscription.TenantId, subscription.Id, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (requeued > 0)
            {
                _signal.Notify();
            }
        }
    }

    private async Task ReleaseAsync(WebhookDeliveryLease lease, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        if (await _store.ReleaseLeaseAsync(new WebhookLeaseRelease(lease.Delivery.Id, lease.FencingToken, dueAt), cancellationToken).ConfigureAwait(false))
        {
            // As for a retry: the handed-back delivery may be due before the time the idle loop is sleeping until.
            _signal.Notify();
        }
        else
        {
            WebhookLog.LeaseLost(_logger, lease.Delivery.Id);
        }
    }
}
