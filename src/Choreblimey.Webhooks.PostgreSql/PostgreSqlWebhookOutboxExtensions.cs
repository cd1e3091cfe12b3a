using Choreblimey.Webhooks.PostgreSql;
using Choreblimey.Webhooks.Publishing.Internal;
using Npgsql;

namespace Choreblimey.Webhooks;

/// <summary>Publishes webhooks inside the host's own PostgreSQL transaction.</summary>
public static class PostgreSqlWebhookOutboxExtensions
{
    /// <summary>
    /// Publishes an event inside <paramref name="transaction"/>: the message and its deliveries are inserted with the host's
    /// connection and transaction, so they exist if and only if the host commits. The worker cannot see them before the
    /// commit, and is woken by the <c>NOTIFY</c> PostgreSQL delivers on commit (polling finds them too). On rollback nothing
    /// remains. Idempotency keys apply as with <see cref="IWebhookPublisher"/>, also to events written earlier in the same
    /// transaction.
    /// </summary>
    /// <typeparam name="TPayload">The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>.</typeparam>
    /// <param name="outbox">The outbox (registered by <c>AddWebhooks</c>).</param>
    /// <param name="transaction">
    /// The host's open transaction, on a connection to the database that holds the store's schema (by default <c>webhooks</c>).
    /// </param>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor and idempotency key; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The receipt. <see cref="WebhookPublishStatus.Published"/> means written in the transaction, not yet committed.</returns>
    /// <exception cref="InvalidOperationException">
    /// The registered store is not the PostgreSQL store; the transaction has completed; it is on another database than the
    /// store's; or the store's schema is missing or at another version (with <c>InstallSchema</c> off).
    /// </exception>
    /// <exception cref="WebhookIdempotencyConflictException">
    /// The idempotency key already belongs to an event of another type (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/>
    /// is set). Nothing was written and the transaction is not aborted: it is still the host's to commit or roll back.
    /// </exception>
    /// <remarks>
    /// A failure while inserting aborts the host's transaction, as any failed statement does in PostgreSQL. Matching
    /// subscriptions are resolved now, through the routing cache (which may read the store on its own connection).
    /// </remarks>
    public static async ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        this IWebhookOutbox outbox,
        NpgsqlTransaction transaction,
        string eventType,
        TPayload payload,
        WebhookPublishOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(eventType);
        if (outbox is not WebhookOutbox { Store: PostgreSqlWebhookStore store } writer)
        {
            throw WebhookOutbox.WrongStore(outbox, "an NpgsqlTransaction", "PostgreSQL", "UsePostgreSqlStore");
        }

        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing.");
        var prepared = await outbox.PrepareAsync(eventType, payload, options, cancellationToken).ConfigureAwait(false);
        if (!prepared.HasMessage)
        {
            return prepared.SkippedReceipt!;
        }

        await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        WebhookMessageInsertResult result;
        try
        {
            result = await store.InsertMessageAsync(connection, transaction, prepared.Message, prepared.Deliveries, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // The store found its schema on its own connection, so this transaction is on another database.
            throw new InvalidOperationException(
                $"The transaction's database ('{connection.Database}') has no webhook schema '{store.SchemaName}': publish inside a transaction on the webhook store's database ('{store.DatabaseName}'), "
                + "so that the event commits with your rows. With EF Core, the DbContext must use the same database as UsePostgreSqlStore(...).",
                exception);
        }

        var storedEventType = result.IsDuplicate
            ? (await store.GetMessageAsync(connection, transaction, prepared.Message.TenantId, result.MessageId, cancellationToken).ConfigureAwait(false))?.EventType
            : null;
        return writer.Written(prepared, result, storedEventType);
    }
}
