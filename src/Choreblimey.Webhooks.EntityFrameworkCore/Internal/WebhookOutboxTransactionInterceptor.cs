using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Choreblimey.Webhooks.EntityFrameworkCore.Internal;

/// <summary>Wakes the delivery worker when a transaction that received webhooks commits.</summary>
internal sealed class WebhookOutboxTransactionInterceptor(IWebhookOutbox outbox) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData);
        return Task.CompletedTask;
    }

    private void Committed(TransactionEndEventData eventData)
    {
        if (WebhookOutboxStage.Find(eventData.Context) is { WakeOnCommit: true } stage)
        {
            stage.WakeOnCommit = false;
            outbox.NotifyCommitted();
        }
    }

    private static void RolledBack(TransactionEndEventData eventData)
    {
        if (WebhookOutboxStage.Find(eventData.Context) is { } stage)
        {
            stage.WakeOnCommit = false;
        }
    }
}
