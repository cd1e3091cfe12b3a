using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Choreblimey.Webhooks.EntityFrameworkCore.Internal;

/// <summary>
/// Writes a context's staged webhooks in SaveChanges' transaction: when SaveChanges has no transaction of its own (the
/// host began none), it begins one before saving and commits it after the webhooks are written, so the business rows and
/// the webhooks commit together. The webhooks are prepared after the rows are saved, so database-generated keys are in
/// their payloads. The worker is woken by <see cref="WebhookOutboxTransactionInterceptor"/> on commit.
/// </summary>
internal sealed class WebhookOutboxSaveChangesInterceptor(IWebhookOutbox outbox) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (WebhookOutboxStage.Find(eventData.Context) is { HasStaged: true })
        {
            throw new NotSupportedException(
                "Webhooks staged with AddWebhook are written by SaveChangesAsync; the synchronous SaveChanges is not supported for them.");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        var context = eventData.Context;
        if (context is not null && WebhookOutboxStage.Find(context) is { HasStaged: true } stage && context.Database.CurrentTransaction is null)
        {
            if (System.Transactions.Transaction.Current is not null)
            {
                throw new NotSupportedException(
                    "Webhooks staged with AddWebhook cannot be written in an ambient TransactionScope; use DbContext.Database.BeginTransactionAsync, or no transaction.");
            }

            stage.OwnedTransaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context;
        if (context is null || WebhookOutboxStage.Find(context) is not { HasStaged: true } stage)
        {
            return result;
        }

        try
        {
            var transaction = context.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("SaveChanges has no transaction to write the staged webhooks in.");
            await stage.WriteAsync(outbox, transaction, cancellationToken).ConfigureAwait(false);
            stage.WakeOnCommit = true;
            if (stage.OwnedTransaction is { } owned)
            {
                stage.OwnedTransaction = null;
                await using (owned.ConfigureAwait(false))
                {
                    await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            await stage.RollBackOwnedAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (WebhookOutboxStage.Find(eventData.Context) is { } stage)
        {
            await stage.RollBackOwnedAsync().ConfigureAwait(false);
        }
    }

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        if (WebhookOutboxStage.Find(eventData.Context) is { } stage)
        {
            await stage.RollBackOwnedAsync().ConfigureAwait(false);
        }
    }
}
