namespace Choreblimey.Webhooks;

/// <summary>
/// Publishes declared events as webhooks. Publishing stores the event and one delivery per matching subscription, wakes the
/// delivery worker and returns; no HTTP happens on the caller's path.
/// </summary>
/// <remarks>
/// The matching subscriptions are the tenant's own and the host-level ones whose event patterns and attribute filters match
/// the event, and whose state is <see cref="WebhookSubscriptionState.Active"/> or <see cref="WebhookSubscriptionState.Disabled"/>.
/// A disabled subscription's deliveries are stored but held by the worker until the subscription is active again (see
/// <see cref="IWebhookSubscriptionManager.ResumeAsync"/>); a <see cref="WebhookSubscriptionState.Paused"/> subscription
/// gets no deliveries at all.
/// </remarks>
public interface IWebhookPublisher
{
    /// <summary>Publishes an event.</summary>
    /// <typeparam name="TPayload">
    /// The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>. For an event declared with a
    /// payload type (<see cref="WebhookEventDefinition.PayloadType"/>, as <c>AddEvent&lt;T&gt;</c> sets), the payload must be
    /// an instance of that type (or <see langword="null"/>) and is serialised as that type, whatever <typeparamref name="TPayload"/> is.
    /// </typeparam>
    /// <param name="eventType">A declared event type, such as <c>chore:created</c>.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="tenantId">The tenant the event belongs to; only that tenant's subscriptions receive it. <see langword="null"/> for single-tenant hosts.</param>
    /// <param name="actor">The id of whoever caused the event, if known.</param>
    /// <param name="idempotencyKey">
    /// A key that makes re-publishing harmless: a second publish of the same event type with the same key (per tenant)
    /// stores nothing and returns the first event's id as a <see cref="WebhookPublishStatus.Duplicate"/>. A key stands for one
    /// event: reused for another event type it is refused (<see cref="WebhookIdempotencyConflictException"/>).
    /// </param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The receipt: the event id and how many deliveries were created.</returns>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).</exception>
    /// <exception cref="WebhookPayloadException">
    /// The payload is not of the event's declared payload type, cannot be serialised or is too large (when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="WebhookIdempotencyConflictException">
    /// The idempotency key already belongs to an event of another type, so this one was not stored (when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The tenant id, actor, idempotency key, an attribute or the priority breaks its rule, or the tenant is
    /// <see cref="WebhookTenants.All"/> (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="ArgumentNullException">The event type (or the options) is <see langword="null"/>, whatever the options say.</exception>
    /// <remarks>
    /// Whatever the store throws when it cannot save the event reaches the caller, unless
    /// <see cref="WebhookOptions.ThrowOnStoreFailure"/> is off: the receipt then says <see cref="WebhookPublishStatus.Failed"/>.
    /// </remarks>
    ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        string? tenantId = null,
        string? actor = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default);

    /// <summary>Publishes an event with every publish option.</summary>
    /// <typeparam name="TPayload">
    /// The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>. For an event declared with a
    /// payload type (<see cref="WebhookEventDefinition.PayloadType"/>, as <c>AddEvent&lt;T&gt;</c> sets), the payload must be
    /// an instance of that type (or <see langword="null"/>) and is serialised as that type, whatever <typeparamref name="TPayload"/> is.
    /// </typeparam>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor, idempotency key and the rest.</param>
    /// <param name="cancellationToken">A token to cancel the store write.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).</exception>
    /// <exception cref="WebhookPayloadException">
    /// The payload is not of the event's declared payload type, cannot be serialised or is too large (when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="WebhookIdempotencyConflictException">
    /// The idempotency key already belongs to an event of another type, so this one was not stored (when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The tenant id, actor, idempotency key, an attribute or the priority breaks its rule, or the tenant is
    /// <see cref="WebhookTenants.All"/> (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    /// <exception cref="ArgumentNullException">The event type (or the options) is <see langword="null"/>, whatever the options say.</exception>
    /// <remarks>
    /// Whatever the store throws when it cannot save the event reaches the caller, unless
    /// <see cref="WebhookOptions.ThrowOnStoreFailure"/> is off: the receipt then says <see cref="WebhookPublishStatus.Failed"/>.
    /// </remarks>
    ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions options,
        CancellationToken cancellationToken = default);
}
