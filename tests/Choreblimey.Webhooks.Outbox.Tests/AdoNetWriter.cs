using System.Data.Common;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Scenarios of publishing through the host's own ADO.NET connection, shared by both providers.</summary>
internal static class AdoNetWriter
{
    /// <summary>
    /// Publishes an event, then one of another type under the same idempotency key, in the same transaction or the next:
    /// the second is refused, the first's type again is still a duplicate, and the transaction can still commit.
    /// </summary>
    /// <param name="connection">The host's connection, not yet open.</param>
    /// <param name="sameTransaction">Whether the first event is still uncommitted in the same transaction.</param>
    /// <param name="publish">Publishes an event of a type inside a transaction.</param>
    public static async Task AssertKeyReusedForAnotherEventTypeIsRefusedAsync(
        DbConnection connection,
        bool sameTransaction,
        Func<DbTransaction, string, WebhookPublishOptions, ValueTask<WebhookPublishReceipt>> publish)
    {
        var options = new WebhookPublishOptions { TenantId = "t1", IdempotencyKey = "invoice:reused" };
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        try
        {
            var first = await publish(transaction, OutboxScenariosAccess.EventType, options);
            if (!sameTransaction)
            {
                await transaction.CommitAsync();
                await transaction.DisposeAsync();
                transaction = await connection.BeginTransactionAsync();
            }

            // Read in the host's transaction, so a first event written earlier in it, not yet committed, counts too.
            var conflict = await Assert.ThrowsAsync<WebhookIdempotencyConflictException>(
                async () => await publish(transaction, OutboxScenariosAccess.OtherEventType, options));
            var repeat = await publish(transaction, OutboxScenariosAccess.EventType, options);
            await transaction.CommitAsync();

            Assert.Equal(
                (first.EventId, OutboxScenariosAccess.EventType, OutboxScenariosAccess.OtherEventType),
                ((string?)conflict.StoredEventId, conflict.StoredEventType, conflict.EventType));
            Assert.Equal((first.EventId, WebhookPublishStatus.Duplicate), (repeat.EventId, repeat.Status));
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }
}
