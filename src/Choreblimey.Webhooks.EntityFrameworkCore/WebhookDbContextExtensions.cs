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
    /// database-generated keys are in it. With <see cref="WebhookOptions.ThrowOnInvalidPublish"/> on (the default), an
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
        var stage = WebhookOutboxStage.Find(context)
            ?? throw new InvalidOperationException(
                $"{context.GetType().Name} is not configured for webhooks: add UseWebhooksOutbox(serviceProvider) to its options.");

        // Checked here, at the line that made the mistake, before any row is saved; the payload is serialised at SaveChanges.
        (WebhookOutboxSaveChangesInterceptor.Find(context) as WebhookOutbox)?.EnsureValidWhenStaged(eventType, payload, options);
        stage.Add((outbox, transaction, cancellationToken) => transaction switch
        {
            NpgsqlTransaction npgsql => outbox.PublishAsync(npgsql, eventType, payload, options, cancellationToken),
            SqliteTransaction sqlite => outbox.PublishAsync(sqlite, eventType, payload, options, cancellationToken),
            _ => throw new NotSupportedException(
                $"The webhooks outbox supports PostgreSQL (Npgsql) and SQLite (Microsoft.Data.Sqlite) transactions, not {transaction.GetType().Name}."),
        });
    }
}
