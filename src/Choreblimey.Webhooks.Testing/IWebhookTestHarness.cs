namespace Choreblimey.Webhooks.Testing;

/// <summary>
/// Observes a host's webhooks in tests: every published event, every delivery and attempt, the recording receiver and the
/// test clock. Assertions wait (in real time, up to <see cref="WebhookTestHarnessOptions.Timeout"/>) and return the match,
/// or throw <see cref="WebhookAssertionException"/> listing what was seen.
/// </summary>
public interface IWebhookTestHarness
{
    /// <summary>Gets the test clock, or <see langword="null"/> when <see cref="WebhookTestHarnessOptions.UseTestClock"/> is off.</summary>
    WebhookTestClock? Clock { get; }

    /// <summary>Gets the in-process receiver deliveries are sent to.</summary>
    WebhookTestReceiver Receiver { get; }

    /// <summary>Gets a copy of every event published so far, in order.</summary>
    IReadOnlyList<WebhookPublishedEvent> Published { get; }

    /// <summary>Gets a copy of every delivery so far, in creation order.</summary>
    IReadOnlyList<WebhookTestDelivery> Deliveries { get; }

    /// <summary>Subscribes the in-process receiver (at <c>https://receiver.test/webhooks/{n}</c>) to event patterns.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/> for the default tenant.</param>
    /// <param name="eventTypes">Event names or patterns (<c>*</c>, <c>chore:*</c>).</param>
    /// <returns>The subscription, with its secret.</returns>
    ValueTask<WebhookSubscription> SubscribeAsync(string? tenantId, params string[] eventTypes);

    /// <summary>Subscribes the in-process receiver (at <c>https://receiver.test/webhooks/{n}</c>) to event patterns.</summary>
    /// <param name="tenantId">The tenant; <see langword="null"/> for the default tenant.</param>
    /// <param name="eventTypes">Event names or patterns (<c>*</c>, <c>chore:*</c>).</param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The subscription, with its secret.</returns>
    ValueTask<WebhookSubscription> SubscribeAsync(string? tenantId, IReadOnlyList<string> eventTypes, CancellationToken cancellationToken);

    /// <summary>Waits until an event of <paramref name="eventType"/> (and, when given, <paramref name="tenantId"/>) has been published.</summary>
    /// <param name="eventType">The event type.</param>
    /// <param name="tenantId">The tenant to match (<see cref="WebhookTenants.Default"/>, <c>""</c>, for the default tenant); any when <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait; <see cref="WebhookTestHarnessOptions.Timeout"/> when omitted.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>The first matching event.</returns>
    /// <exception cref="WebhookAssertionException">None was published in time; the message lists what was.</exception>
    Task<WebhookPublishedEvent> PublishedAsync(string eventType, string? tenantId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until a delivery to <paramref name="subscriptionId"/> has succeeded.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="eventType">The event type to match; any when <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>The first matching succeeded delivery.</returns>
    /// <exception cref="WebhookAssertionException">None succeeded in time; the message lists the deliveries seen.</exception>
    Task<WebhookTestDelivery> DeliveredToAsync(string subscriptionId, string? eventType = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until a delivery has been dead-lettered.</summary>
    /// <param name="subscriptionId">The subscription to match; any when <see langword="null"/>.</param>
    /// <param name="eventType">The event type to match; any when <see langword="null"/>.</param>
    /// <param name="attempts">The exact number of attempts it must have had; any when <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>The first matching dead-lettered delivery.</returns>
    /// <exception cref="WebhookAssertionException">None was dead-lettered in time; the message lists the deliveries seen.</exception>
    Task<WebhookTestDelivery> DeadLetteredAsync(string? subscriptionId = null, string? eventType = null, int? attempts = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until the worker is idle: no attempt in flight and nothing due at the current time.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>A task that completes when idle.</returns>
    /// <exception cref="WebhookAssertionException">The worker did not become idle in time.</exception>
    Task WaitForIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until the worker is idle, then moves the test clock to the next pending delivery's due time (a retry), so the worker
    /// makes that attempt at once.
    /// </summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>The time the clock moved to, or <see langword="null"/> when nothing is pending (the clock is not moved).</returns>
    /// <exception cref="InvalidOperationException">The harness has no test clock.</exception>
    Task<DateTimeOffset?> AdvanceToNextDueAsync(CancellationToken cancellationToken = default);
}
