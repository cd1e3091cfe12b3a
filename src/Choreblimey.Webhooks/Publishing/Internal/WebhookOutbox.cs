using System.Diagnostics;
using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// Prepares events for the host's transaction and wakes the worker after the host commits. The store packages' transaction
/// extensions reach the registered store through <see cref="Store"/>.
/// </summary>
internal sealed class WebhookOutbox(
    WebhookEventPreparer preparer,
    IWebhookStore store,
    WebhookWorkerSignal signal,
    WebhookMetrics metrics,
    IOptionsMonitor<WebhookOptions> optionsMonitor,
    ILogger<WebhookPublisher> logger) : IWebhookOutbox
{
    /// <summary>Gets the registered store, which the store packages' transaction extensions write with.</summary>
    // The Testing package's store wrapper, named rather than referenced: the core package does not know the Testing one.
    private const string HarnessStoreTypeName = "Choreblimey.Webhooks.Testing.WebhookHarnessStore";

    public IWebhookStore Store => store;

    /// <summary>
    /// The error for a host's transaction that the registered store cannot write in, naming that store; the Testing
    /// package's harness, which puts an in-memory store in place of the host's, is named as the likely cause.
    /// </summary>
    /// <param name="outbox">The outbox the host published through.</param>
    /// <param name="transaction">The transaction's kind, such as "an NpgsqlTransaction".</param>
    /// <param name="needed">The store it needs, such as "PostgreSQL".</param>
    /// <param name="call">The registration that provides it, such as "UsePostgreSqlStore".</param>
    public static InvalidOperationException WrongStore(IWebhookOutbox outbox, string transaction, string needed, string call)
    {
        if (outbox is not WebhookOutbox own)
        {
            return new InvalidOperationException(
                $"Publishing inside {transaction} needs the library's own IWebhookOutbox, but the registered outbox is {outbox.GetType().Name}; it is registered by AddWebhooks() with {call}(...).");
        }

        var registered = own.Store.GetType();
        var harness = registered.FullName == HarnessStoreTypeName
            ? " That is the Testing package's AddWebhooksTestHarness(), which puts an in-memory store in place of the host's: " +
              "code that publishes inside a transaction is tested against the real store, without the harness (see the Testing package's README)."
            : $" Call {call}(...) on AddWebhooks().";
        return new InvalidOperationException($"Publishing inside {transaction} needs the {needed} webhook store, but the registered store is {registered.Name}.{harness}");
    }

    public async ValueTask<WebhookPreparedEvent> PrepareAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var current = optionsMonitor.CurrentValue;
        if (!current.Enabled)
        {
            WebhookLog.PublishDisabled(logger, eventType);
            return new WebhookPreparedEvent(new WebhookPublishReceipt(null, 0, WebhookPublishStatus.Disabled));
        }

        using var activity = WebhookActivitySource.Instance.StartActivity("webhooks prepare", ActivityKind.Producer);
        activity?.SetTag("webhooks.event.type", eventType);
        var prepared = await preparer.PrepareAsync(eventType, payload, options ?? new WebhookPublishOptions(), current, activity, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("webhooks.event.id", prepared.Message?.Id);
        return prepared;
    }

    public void NotifyCommitted() => signal.Notify();

    /// <summary>
    /// Checks a webhook when it is staged for a later write (EF Core's <c>AddWebhook</c>), so that invalid input throws at
    /// the call that staged it rather than at <c>SaveChangesAsync</c>. Only when invalid input is thrown at all
    /// (<see cref="WebhookOptions.ThrowOnInvalidPublish"/>); otherwise the write logs and skips it, as a publish does.
    /// </summary>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared.</exception>
    /// <exception cref="WebhookPayloadException">The payload is not of the event's declared type.</exception>
    /// <exception cref="ArgumentException">The tenant, actor, idempotency key, attributes or priority are not valid.</exception>
    public void EnsureValidWhenStaged<TPayload>(string eventType, TPayload payload, WebhookPublishOptions? options)
    {
        if (ChecksWhenStaged)
        {
            preparer.EnsureValid(eventType, payload, options ?? new WebhookPublishOptions());
        }
    }

    /// <summary>
    /// As <see cref="EnsureValidWhenStaged{TPayload}"/> for a payload a factory builds later: the event type and options
    /// now, and that a <typeparamref name="TPayload"/> could be of the event's declared type.
    /// </summary>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared.</exception>
    /// <exception cref="WebhookPayloadException">No <typeparamref name="TPayload"/> can be of the event's declared type.</exception>
    /// <exception cref="ArgumentException">The tenant, actor, idempotency key, attributes or priority are not valid.</exception>
    public void EnsureValidFactoryWhenStaged<TPayload>(string eventType, WebhookPublishOptions? options)
    {
        if (ChecksWhenStaged)
        {
            preparer.EnsureValid<object?>(eventType, null, options ?? new WebhookPublishOptions());
            preparer.EnsurePayloadTypeCanMatch(eventType, typeof(TPayload));
        }
    }

    // Staged mistakes throw only where a publish would: webhooks enabled and invalid publishes thrown.
    private bool ChecksWhenStaged => optionsMonitor.CurrentValue is { Enabled: true, ThrowOnInvalidPublish: true };

    /// <summary>
    /// Completes an event a store package has written in the host's transaction: counts it in <c>webhooks.events.published</c>
    /// and logs it as <see cref="WebhookPublisher"/> does, and returns its receipt. It is counted when written, because the
    /// library cannot see the host's commit: an event whose transaction then rolls back has been counted too.
    /// </summary>
    /// <param name="prepared">The event.</param>
    /// <param name="result">What the store did.</param>
    /// <param name="storedEventType">
    /// For a duplicate, the type of the event that holds the idempotency key, read in the host's transaction (which may
    /// have written that event itself); <see langword="null"/> otherwise.
    /// </param>
    /// <exception cref="WebhookIdempotencyConflictException">
    /// The key holds an event of another type and <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is set. This is still
    /// before the host's commit, so the host decides what becomes of its transaction, as for any other invalid publish.
    /// </exception>
    public WebhookPublishReceipt Written(WebhookPreparedEvent prepared, WebhookMessageInsertResult result, string? storedEventType)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Message is not { } message)
        {
            return prepared.CreateReceipt(result);
        }

        if (result.IsDuplicate)
        {
            // The prepare activity has ended, and the current one is the host's, not ours to mark as failed.
            if (preparer.CheckDuplicate(message, result, storedEventType, optionsMonitor.CurrentValue, activity: null) is { } rejected)
            {
                return rejected;
            }

            WebhookLog.DuplicatePublish(logger, message.EventType, message.TenantId, result.MessageId);
        }
        else
        {
            metrics.Published(message.EventType, result.DeliveryCount);
            WebhookLog.Published(logger, message.EventType, result.MessageId, message.TenantId, result.DeliveryCount);
        }

        return prepared.CreateReceipt(result);
    }
}
