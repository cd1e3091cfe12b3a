using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Choreblimey.Webhooks.EntityFrameworkCore.Internal;

/// <summary>
/// Writes a context's staged webhooks in SaveChanges' transaction: when SaveChanges has no transaction of its own (the
/// host began none), it begins one before saving and commits it after the webhooks are written, so the business rows and
/// the webhooks commit together. The webhooks are prepared after the rows are saved, so database-generated keys are in
/// their payloads. The worker is woken by <see cref="WebhookOutboxTransactionInterceptor"/> on commit.
/// </summary>
/// <remarks>
/// EF Core marks the entities saved (accepts the changes) before <see cref="SavedChangesAsync"/> runs, so a webhook write
/// or commit that fails there cannot leave the entities Added or Modified for a retry as EF Core's own failures do. The
/// webhooks cannot be written earlier instead: the only point inside the transaction before EF Core accepts the changes
/// is the commit of a transaction EF Core began itself, and there the generated keys are not on the entities yet (they
/// are copied there when the changes are accepted). So when the outbox rolls back its own transaction at that stage, it
/// drops the staged webhooks and refuses every later SaveChanges on the context (<see cref="WebhookOutboxStage.Discard"/>).
/// In the host's transaction nothing is rolled back here: the rows stay in it, and a retried SaveChanges writes the
/// webhooks that are still staged.
/// </remarks>
internal sealed class WebhookOutboxSaveChangesInterceptor(IWebhookOutbox outbox) : SaveChangesInterceptor
{
    /// <summary>Gets the application's outbox, which writes what the context staged.</summary>
    public IWebhookOutbox Outbox => outbox;

    /// <summary>Finds the outbox of a context configured with <c>UseWebhooksOutbox</c>.</summary>
    public static IWebhookOutbox? Find(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .OfType<WebhookOutboxSaveChangesInterceptor>().FirstOrDefault()?.Outbox;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        var stage = WebhookOutboxStage.Find(eventData.Context);
        stage?.ThrowIfDiscarded();
        if (stage is { HasStaged: true })
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
        var stage = WebhookOutboxStage.Find(context);
        stage?.ThrowIfDiscarded();
        if (context is not null && stage is { HasStaged: true } && context.Database.CurrentTransaction is null)
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

        var owned = stage.OwnedTransaction;
        try
        {
            var transaction = context.Database.CurrentTransaction?.GetDbTransaction()
                ?? throw new InvalidOperationException("SaveChanges has no transaction to write the staged webhooks in.");
            await stage.WriteAsync(outbox, transaction, cancellationToken).ConfigureAwait(false);
            stage.WakeOnCommit = true;
            if (owned is not null)
            {
                await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (owned is not null)
        {
            // The rollback takes away rows EF Core has already marked saved: see the remarks on this class.
            stage.Discard(exception);
            await stage.RollBackOwnedAsync().ConfigureAwait(false);
            throw;
        }

        if (owned is not null)
        {
            stage.OwnedTransaction = null;
            await owned.DisposeAsync().ConfigureAwait(false);
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
