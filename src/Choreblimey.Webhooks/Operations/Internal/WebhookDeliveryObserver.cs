using System.Collections.Concurrent;
using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>
/// What the worker reports after each recorded attempt and each disabled subscription: it tracks failure streaks (and says
/// when one should disable the subscription), calls the host's <see cref="IWebhookNotifier"/>s, and publishes the
/// operational events when they are declared. Nothing here ever throws into the worker.
/// </summary>
/// <remarks>
/// A streak's count of consecutive failed attempts is this process's; when it started is the store's
/// (<see cref="IWebhookStore.StartFailureStreakAsync"/>), so a restart or another instance continues a streak rather than
/// starting it again. The store is written when a streak starts here and when it ends, not on every attempt: the first
/// success this process sees for a subscription ends any streak the store holds, later successes only one it started.
/// Those marks are bounded (<see cref="EndedMarkLimit"/>): a subscription deleted on another instance after its last
/// success here is never seen again, so past the bound they are all dropped, and each subscription's next success writes
/// the store once more.
/// </remarks>
internal sealed class WebhookDeliveryObserver(
    IEnumerable<IWebhookNotifier> notifiers,
    IServiceProvider services,
    IWebhookStore store,
    IWebhookEventRegistry registry,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookDeliveryObserver> logger)
{
    private readonly IWebhookNotifier[] _notifiers = [.. notifiers];
    private readonly ConcurrentDictionary<string, Streak> _streaks = new(StringComparer.Ordinal);

    // Subscriptions whose streak, if the store held one, this process has ended since its last failure here.
    private readonly ConcurrentDictionary<string, byte> _endedInStore = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how many subscriptions' "streak ended in the store" marks are kept before they are all dropped; set
    /// lower by tests.
    /// </summary>
    internal int EndedMarkLimit { get; set; } = 65_536;

    /// <summary>Tracks the attempt and reports a dead letter. Returns why the subscription should be disabled, if it should.</summary>
    public async ValueTask<string?> OnAttemptRecordedAsync(WebhookDelivery delivery, WebhookSubscription? subscription, WebhookAttempt attempt, WebhookDeliveryStatus newStatus, CancellationToken cancellationToken)
    {
        var disableReason = subscription is null
            ? null
            : await TrackAsync(subscription.Id, attempt.Outcome == WebhookAttemptOutcome.Succeeded, cancellationToken).ConfigureAwait(false);
        if (newStatus == WebhookDeliveryStatus.DeadLettered)
        {
            var notification = new WebhookDeadLetterNotification(
                delivery.TenantId, delivery.Id, delivery.MessageId, delivery.EventType, delivery.SubscriptionId, attempt.AttemptNumber, attempt.StatusCode, attempt.Error);
            foreach (var notifier in _notifiers)
            {
                await CallAsync(notifier, static (n, value, token) => n.OnDeliveryDeadLetteredAsync(value, token), notification, nameof(IWebhookNotifier.OnDeliveryDeadLetteredAsync), cancellationToken).ConfigureAwait(false);
            }

            // An operational event's own dead letter never publishes another one: no feedback loop.
            if (!WebhookOperationalEvents.IsOperational(delivery.EventType))
            {
                // Under the subscription's tenant: a host-level subscription's failures (its id, its receiver's errors) are the
                // host's business, not the business of the tenant whose event it was.
                await PublishAsync(WebhookOperationalEvents.DeliveryDeadLettered, notification, subscription?.TenantId ?? delivery.TenantId, cancellationToken).ConfigureAwait(false);
            }
        }

        return disableReason;
    }

    /// <summary>Reports a disabled subscription to the notifiers and as an operational event.</summary>
    public async ValueTask OnSubscriptionDisabledAsync(WebhookSubscription subscription, string reason, CancellationToken cancellationToken)
    {
        _streaks.TryRemove(subscription.Id, out _);
        await EndStreakAsync(subscription.Id, cancellationToken).ConfigureAwait(false);
        var notification = new WebhookSubscriptionDisabledNotification(subscription.TenantId, subscription.Id, reason, timeProvider.GetUtcNow());
        foreach (var notifier in _notifiers)
        {
            await CallAsync(notifier, static (n, value, token) => n.OnSubscriptionDisabledAsync(value, token), notification, nameof(IWebhookNotifier.OnSubscriptionDisabledAsync), cancellationToken).ConfigureAwait(false);
        }

        await PublishAsync(WebhookOperationalEvents.EndpointDisabled, notification, subscription.TenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets a deleted subscription's streak; no attempt of it will be tracked again.</summary>
    public void Forget(string subscriptionId)
    {
        _streaks.TryRemove(subscriptionId, out _);
        _endedInStore.TryRemove(subscriptionId, out _);
    }

    /// <summary>Gets whether anything is tracked for the subscription; what a deleted subscription must no longer have.</summary>
    public bool Tracks(string subscriptionId) => _streaks.ContainsKey(subscriptionId) || _endedInStore.ContainsKey(subscriptionId);

    private async ValueTask<string?> TrackAsync(string subscriptionId, bool succeeded, CancellationToken cancellationToken)
    {
        if (succeeded)
        {
            // Non-short-circuiting: both the local streak and the "already ended in the store" mark are updated.
            if (_streaks.TryRemove(subscriptionId, out _) | MarkEndedInStore(subscriptionId))
            {
                await EndStreakAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        _endedInStore.TryRemove(subscriptionId, out _);
        var now = timeProvider.GetUtcNow();
        if (!_streaks.ContainsKey(subscriptionId))
        {
            var since = await StartStreakAsync(subscriptionId, now, cancellationToken).ConfigureAwait(false);
            _streaks.TryAdd(subscriptionId, new Streak(0, since));
        }

        var streak = _streaks.AddOrUpdate(subscriptionId, static (_, at) => new Streak(1, at), static (_, s, _) => s with { Count = s.Count + 1 }, now);
        var health = options.CurrentValue.Health;
        if (health.DisableAfterConsecutiveFailures <= 0 || streak.Count < health.DisableAfterConsecutiveFailures || now - streak.Since < health.DisableAfterFailingFor)
        {
            return null;
        }

        _streaks.TryRemove(subscriptionId, out _);
        return $"{streak.Count} consecutive failed attempts over {(now - streak.Since).TotalHours:0.#} hours.";
    }

    /// <summary>Marks the subscription's stored streak as ended; returns whether it was not marked yet (the store must be written).</summary>
    private bool MarkEndedInStore(string subscriptionId)
    {
        if (!_endedInStore.TryAdd(subscriptionId, 0))
        {
            return false;
        }

        // Only a new mark counts them, so the steady state (every subscription marked, succeeding) never takes the count's locks.
        if (_endedInStore.Count > EndedMarkLimit)
        {
            _endedInStore.Clear();
            _endedInStore.TryAdd(subscriptionId, 0);
        }

        return true;
    }

    private async ValueTask<DateTimeOffset> StartStreakAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await store.StartFailureStreakAsync(subscriptionId, now, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The streak falls back to this process's own start; delivery goes on.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            WebhookLog.FailureStreakStoreFailed(logger, subscriptionId, exception);
            return now;
        }
    }

    private async ValueTask EndStreakAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        try
        {
            await store.EndFailureStreakAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The next success tries again; delivery goes on.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            _endedInStore.TryRemove(subscriptionId, out _);
            WebhookLog.FailureStreakStoreFailed(logger, subscriptionId, exception);
        }
    }

    private async ValueTask CallAsync<T>(IWebhookNotifier notifier, Func<IWebhookNotifier, T, CancellationToken, ValueTask> call, T notification, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await call(notifier, notification, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A host's notifier must never break delivery.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            WebhookLog.NotifierFailed(logger, notifier.GetType().Name, operation, exception);
        }
    }

    private async ValueTask PublishAsync<T>(string eventType, T payload, string tenantId, CancellationToken cancellationToken)
    {
        if (!registry.TryGetEvent(eventType, out _))
        {
            return;
        }

        try
        {
            var publisher = services.GetRequiredService<IWebhookPublisher>();
            // A host-level subscription's events go out under the default tenant: host-level subscriptions listening to
            // webhook.* receive every tenant's events, and nothing can be published to the host-level tenant itself.
            var publishTenant = tenantId == WebhookTenants.All ? WebhookTenants.Default : tenantId;
            await publisher.PublishAsync(eventType, payload, publishTenant, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An operational event that cannot be published must not break delivery.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            WebhookLog.OperationalEventFailed(logger, eventType, tenantId, exception);
        }
    }

    private sealed record Streak(int Count, DateTimeOffset Since);
}
