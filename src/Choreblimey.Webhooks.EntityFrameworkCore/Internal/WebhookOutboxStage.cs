using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Choreblimey.Webhooks.EntityFrameworkCore.Internal;

/// <summary>
/// One DbContext's staged webhooks and the state of the SaveChanges that writes them. Scoped to the context in EF Core's
/// internal service provider, and reset when a pooled context is returned.
/// </summary>
internal sealed class WebhookOutboxStage : IResettableService
{
    private readonly List<Func<IWebhookOutbox, DbTransaction, CancellationToken, ValueTask<WebhookPublishReceipt>>> _staged = [];

    /// <summary>Gets whether webhooks wait for the next SaveChanges.</summary>
    public bool HasStaged => _staged.Count > 0;

    /// <summary>Gets or sets the transaction the interceptor began because SaveChanges had none.</summary>
    public IDbContextTransaction? OwnedTransaction { get; set; }

    /// <summary>Gets or sets whether written webhooks wait for the transaction's commit to wake the worker.</summary>
    public bool WakeOnCommit { get; set; }

    /// <summary>
    /// Gets the failure after which this context must be discarded, or <see langword="null"/>: the outbox rolled back its
    /// transaction after EF Core had marked the context's changes saved, so the tracked entities no longer match the
    /// database and no later SaveChanges on the context can put that right.
    /// </summary>
    public Exception? DiscardedBy { get; private set; }

    /// <summary>Finds the stage of a context configured with <c>UseWebhooksOutbox</c>.</summary>
    public static WebhookOutboxStage? Find(DbContext? context) =>
        context is null ? null : ((IInfrastructure<IServiceProvider>)context).Instance.GetService(typeof(WebhookOutboxStage)) as WebhookOutboxStage;

    public void Add(Func<IWebhookOutbox, DbTransaction, CancellationToken, ValueTask<WebhookPublishReceipt>> write) => _staged.Add(write);

    /// <summary>
    /// Writes the staged webhooks in <paramref name="transaction"/>, in order, and unstages each one once it is written.
    /// </summary>
    /// <remarks>
    /// After a failure in the host's transaction, the webhooks written before it are in that transaction with the rows,
    /// so only the rest stay staged: a retried SaveChanges writes each webhook once. One write is all or nothing (on
    /// SQLite under a savepoint of its own; on PostgreSQL one statement, and a failed statement aborts the transaction),
    /// so no webhook is left half written.
    /// </remarks>
    public async Task WriteAsync(IWebhookOutbox outbox, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var written = 0;
        try
        {
            for (; written < _staged.Count; written++)
            {
                await _staged[written](outbox, transaction, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _staged.RemoveRange(0, written);
        }
    }

    /// <summary>
    /// Drops the staged webhooks and makes every later SaveChanges on the context throw, naming <paramref name="failure"/>:
    /// the outbox's transaction is being rolled back after EF Core accepted the changes, and a retry would find the
    /// entities unchanged and commit the webhooks without their rows (or, after a failed commit, commit nothing and report
    /// success).
    /// </summary>
    public void Discard(Exception failure)
    {
        _staged.Clear();
        DiscardedBy = failure;
    }

    /// <summary>Throws when the context must be discarded (see <see cref="DiscardedBy"/>).</summary>
    public void ThrowIfDiscarded()
    {
        if (DiscardedBy is { } failure)
        {
            throw new InvalidOperationException(
                $"This DbContext must be discarded: an earlier SaveChanges failed ({failure.GetType().Name}: {failure.Message}) " +
                "after EF Core had marked its changes saved, and the transaction the webhooks outbox began for them was rolled " +
                "back, so the tracked entities no longer match the database and the staged webhooks were dropped. Make the " +
                "changes again on a new context (a pooled one is reset when its scope ends).",
                failure);
        }
    }

    /// <summary>Rolls back and forgets the transaction the interceptor began, if any.</summary>
    public async Task RollBackOwnedAsync()
    {
        if (OwnedTransaction is not { } owned)
        {
            return;
        }

        OwnedTransaction = null;
        await using (owned.ConfigureAwait(false))
        {
            await owned.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void ResetState()
    {
        _staged.Clear();
        OwnedTransaction?.Dispose();
        OwnedTransaction = null;
        WakeOnCommit = false;

        // A pooled context's change tracker is cleared with it, so nothing stale is left to refuse.
        DiscardedBy = null;
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }
}
