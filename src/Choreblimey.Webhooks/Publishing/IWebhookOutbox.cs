namespace Choreblimey.Webhooks;

/// <summary>
/// Publishing inside the host's own database transaction (the transactional outbox). <see cref="PrepareAsync"/> does
/// everything <see cref="IWebhookPublisher.PublishAsync{TPayload}(string, TPayload, WebhookPublishOptions, CancellationToken)"/>
/// does except the write: it validates, serialises once, routes to the tenant's matching subscriptions (active, or disabled and held) and builds the
/// message and its deliveries. A store package then writes them through the host's connection and transaction, so the event
/// exists if and only if the host's transaction commits.
/// </summary>
/// <remarks>
/// Hosts rarely call <see cref="PrepareAsync"/> themselves: use the store packages' <c>PublishAsync(transaction, ...)</c>
/// extensions (<c>NpgsqlTransaction</c>, <c>SqliteTransaction</c>) or <c>DbContext.AddWebhook</c> from
/// Choreblimey.Webhooks.EntityFrameworkCore.
/// </remarks>
public interface IWebhookOutbox
{
    /// <summary>Prepares an event for writing in the caller's transaction; nothing is stored.</summary>
    /// <typeparam name="TPayload">
    /// The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>. For an event declared with a
    /// payload type, the payload must be an instance of it and is serialised as it, as by <see cref="IWebhookPublisher"/>.
    /// </typeparam>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor and idempotency key; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">A token to cancel routing (which may read subscriptions from the store).</param>
    /// <returns>
    /// The message and deliveries to write; or, when webhooks are disabled or the publish is rejected (with
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> off), nothing to write and the receipt to return.
    /// </returns>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).</exception>
    /// <exception cref="WebhookPayloadException">
    /// The payload is not of the event's declared payload type, cannot be serialised or is too large (when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set).
    /// </exception>
    ValueTask<WebhookPreparedEvent> PrepareAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Wakes this process's delivery worker. Call it after the transaction that wrote prepared events has committed, when
    /// the store has no commit notification of its own (SQLite). Without it the worker still finds the deliveries at its
    /// next poll (<see cref="WebhookOptions.PollInterval"/>). Calling it when nothing was committed is harmless.
    /// </summary>
    void NotifyCommitted();
}
