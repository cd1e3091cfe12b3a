using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Sqlite;
using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks;

/// <summary>Publishes webhooks inside the host's own SQLite transaction, on the store's database file.</summary>
public static class SqliteWebhookOutboxExtensions
{
    /// <summary>
    /// Publishes an event inside <paramref name="transaction"/>: the message and its deliveries are inserted with the host's
    /// connection, so they exist if and only if the host commits. On rollback nothing remains. Idempotency keys apply as
    /// with <see cref="IWebhookPublisher"/>, also to events written earlier in the same transaction.
    /// </summary>
    /// <typeparam name="TPayload">The payload type; serialised once with <see cref="WebhookOptions.JsonSerializerOptions"/>.</typeparam>
    /// <param name="outbox">The outbox (registered by <c>AddWebhooks</c>).</param>
    /// <param name="transaction">The host's open transaction, on a connection to the store's own database file.</param>
    /// <param name="eventType">A declared event type.</param>
    /// <param name="payload">The event's data.</param>
    /// <param name="options">Tenant, actor and idempotency key; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The receipt. <see cref="WebhookPublishStatus.Published"/> means written in the transaction, not yet committed.</returns>
    /// <exception cref="InvalidOperationException">
    /// The registered store is not the SQLite store, the transaction is on another database file or has completed, or the
    /// store has not created its tables in the file yet.
    /// </exception>
    /// <exception cref="WebhookIdempotencyConflictException">
    /// The idempotency key already belongs to an event of another type (when <see cref="WebhookOptions.ThrowOnInvalidPublish"/>
    /// is set). Nothing was written; the transaction is as it was, and still the host's to commit or roll back.
    /// </exception>
    /// <remarks>
    /// <para>Call <see cref="IWebhookOutbox.NotifyCommitted"/> after committing to wake the worker at once; otherwise it finds
    /// the deliveries at its next poll (<see cref="WebhookOptions.PollInterval"/>). SQLite's commit hook runs before the commit
    /// is durable and visible to other connections, so the library cannot wake the worker from it.</para>
    /// <para>The store creates its tables at first use on its own connection, which needs the write lock: let that happen
    /// before the first transactional publish (start the host, or make any store call, such as creating a subscription).
    /// While the host's transaction holds the write lock, the store's writer and worker wait for it
    /// (<see cref="SqliteWebhookStoreOptions.BusyTimeout"/>): keep such transactions short.</para>
    /// </remarks>
    public static async ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        this IWebhookOutbox outbox,
        SqliteTransaction transaction,
        string eventType,
        TPayload payload,
        WebhookPublishOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(eventType);
        if (outbox is not WebhookOutbox { Store: SqliteWebhookStore store } writer)
        {
            throw WebhookOutbox.WrongStore(outbox, "a SqliteTransaction", "SQLite", "UseSqliteStore");
        }

        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back; publish before committing.");
        EnsureSameDatabase(connection, store);
        var prepared = await outbox.PrepareAsync(eventType, payload, options, cancellationToken).ConfigureAwait(false);
        if (!prepared.HasMessage)
        {
            return prepared.SkippedReceipt!;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = store.InsertMessage(transaction, prepared.Message, prepared.Deliveries);
        var storedEventType = result.IsDuplicate ? store.GetMessage(transaction, prepared.Message.TenantId, result.MessageId)?.EventType : null;
        return writer.Written(prepared, result, storedEventType);
    }

    private static void EnsureSameDatabase(SqliteConnection connection, SqliteWebhookStore store)
    {
        var hostPath = string.IsNullOrEmpty(connection.DataSource) ? string.Empty : Path.GetFullPath(connection.DataSource);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!string.Equals(hostPath, store.DatabasePath, comparison))
        {
            throw new InvalidOperationException(
                $"The transaction is on database '{connection.DataSource}', but the webhook store uses '{store.DatabasePath}'. " +
                "Publishing inside a transaction needs both on the same SQLite file.");
        }

        using var command = SqliteSql.Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('messages', 'deliveries')");
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 2)
        {
            throw new InvalidOperationException(
                "The webhook store has not created its tables in this database yet. Let it initialise before the first publish inside " +
                "a transaction (start the host, or make any store call such as creating a subscription), outside that transaction.");
        }
    }
}
