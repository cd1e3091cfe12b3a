using Choreblimey.Webhooks;
using Choreblimey.Webhooks.EntityFrameworkCore.Internal;
using Choreblimey.Webhooks.Publishing.Internal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Stages webhooks on a DbContext, to be written by its next <c>SaveChangesAsync</c>.</summary>
public static class WebhookDbContextExtensions
{
    /// <summary>
    /// Stages a webhook: the next <c>SaveChangesAsync</c> writes it in the same transaction as the context's changes (the
    /// host's transaction when one is open, otherwise one the outbox begins and commits), so the event exists if and only
    /// if the changes commit. The payload is serialised during that SaveChanges, after the rows are saved, so
    /// database-generated keys are in it when it holds the entity itself; a payload of its own type built before the save
    /// copies them while they are still unset: use <see cref="AddWebhookAfterSave{TPayload}"/> for that. With <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on (the default), an
    /// undeclared event type, a payload not of the event's declared type or invalid options throw here; what only
    /// serialisation finds (a payload too large) makes SaveChanges throw, and nothing commits. With it off, an invalid
    /// webhook is logged and skipped by SaveChanges.
    /// </summary>
    /// <remarks>
    /// EF Core marks the context's changes saved before the webhooks are written. When the write or the commit of the
    /// transaction the outbox began fails, that transaction is rolled back, the staged webhooks are dropped, and every
    /// later SaveChanges on the context throws <see cref="InvalidOperationException"/>: discard it and make the changes
    /// again on a new context. When EF Core itself fails the save, the changes and the webhooks stay for a retry.
    /// </remarks>
    /// <typeparam name="TPayload">The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>.</typeparam>
    /// <param name="context">A context configured with <c>UseWebhooksOutbox</c>.</param>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor and idempotency key; <see langword="null"/> for none.</param>
    /// <exception cref="InvalidOperationException">The context was not configured with <c>UseWebhooksOutbox</c>.</exception>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    /// <exception cref="WebhookPayloadException">The payload is not of the event's declared type (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    /// <exception cref="ArgumentException">The options' tenant, actor, idempotency key or attributes are not valid (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    public static void AddWebhook<TPayload>(this DbContext context, string eventType, TPayload payload, WebhookPublishOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(eventType);
        var stage = StageOf(context);

        // Checked here, at the line that made the mistake, before any row is saved; the payload is serialised at SaveChanges.
        (WebhookOutboxSaveChangesInterceptor.Find(context) as WebhookOutbox)?.EnsureValidWhenStaged(eventType, payload, options);
        stage.Add((outbox, transaction, cancellationToken) => PublishAsync(outbox, transaction, eventType, payload, options, cancellationToken));
    }

    /// <summary>
    /// Stages a webhook whose payload is built during the next <c>SaveChangesAsync</c>, after the rows are saved: the way to
    /// put database-generated keys into a payload of its own type (an event declared with <c>AddEvent&lt;T&gt;</c>), which
    /// a payload built before the save would hold as zero. A method of its own rather than an overload of <c>AddWebhook</c>,
    /// whose payload may itself be a delegate or <see langword="null"/>. Otherwise as
    /// <see cref="AddWebhook{TPayload}(DbContext, string, TPayload, WebhookPublishOptions?)"/>: the event is written in
    /// the same transaction as the changes.
    /// </summary>
    /// <remarks>
    /// The event type and options are checked here, and that a <typeparamref name="TPayload"/> could be of the event's
    /// declared type; the payload itself once <paramref name="payloadFactory"/> has built it. A factory that throws, or a
    /// payload that is not of the event's declared type, makes SaveChanges throw, and nothing commits in the transaction the
    /// outbox began.
    /// </remarks>
    /// <typeparam name="TPayload">The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>.</typeparam>
    /// <param name="context">A context configured with <c>UseWebhooksOutbox</c>.</param>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payloadFactory">Builds the event's data; called once, during SaveChanges, after the rows are saved.</param>
    /// <param name="options">Tenant, actor and idempotency key; <see langword="null"/> for none.</param>
    /// <exception cref="InvalidOperationException">The context was not configured with <c>UseWebhooksOutbox</c>.</exception>
    /// <exception cref="UnknownWebhookEventException">The event type is not declared (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    /// <exception cref="ArgumentException">The options' tenant, actor, idempotency key or attributes are not valid (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    /// <exception cref="WebhookPayloadException">No <typeparamref name="TPayload"/> can be of the event's declared type (with <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on).</exception>
    public static void AddWebhookAfterSave<TPayload>(this DbContext context, string eventType, Func<TPayload> payloadFactory, WebhookPublishOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(payloadFactory);
        var stage = StageOf(context);

        // No payload yet: the event type, the options and whether a TPayload could be of the declared type are checked now,
        // the payload itself when it is published.
        (WebhookOutboxSaveChangesInterceptor.Find(context) as WebhookOutbox)?.EnsureValidFactoryWhenStaged<TPayload>(eventType, options);
        stage.Add((outbox, transaction, cancellationToken) => PublishAsync(outbox, transaction, eventType, payloadFactory(), options, cancellationToken));
    }

    private static WebhookOutboxStage StageOf(DbContext context) =>
        WebhookOutboxStage.Find(context)
        ?? throw new InvalidOperationException(
            $"{context.GetType().Name} is not configured for webhooks: add UseWebhooksOutbox(serviceProvider) to its options.");

    private static ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        IWebhookOutbox outbox, System.Data.Common.DbTransaction transaction, string eventType, TPayload payload, WebhookPublishOptions? options, CancellationToken cancellationToken) =>
        transaction switch
        {
            NpgsqlTransaction npgsql => outbox.PublishAsync(npgsql, eventType, payload, options, cancellationToken),
            SqliteTransaction sqlite => outbox.PublishAsync(sqlite, eventType, payload, options, cancellationToken),
            _ => throw new NotSupportedException(
                $"The webhooks outbox supports PostgreSQL (Npgsql) and SQLite (Microsoft.Data.Sqlite) transactions, not {transaction.GetType().Name}."),
        };
}
