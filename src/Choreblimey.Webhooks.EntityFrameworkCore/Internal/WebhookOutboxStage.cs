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

    /// <summary>Finds the stage of a context configured with <c>UseWebhooksOutbox</c>.</summary>
    public static WebhookOutboxStage? Find(DbContext? context) =>
        context is null ? null : ((IInfrastructure<IServiceProvider>)context).Instance.GetService(typeof(WebhookOutboxStage)) as WebhookOutboxStage;

    public void Add(Func<IWebhookOutbox, DbTransaction, CancellationToken, ValueTask<WebhookPublishReceipt>> write) => _staged.Add(write);

    /// <summary>Writes every staged webhook in <paramref name="transaction"/>; they are cleared only when all were written.</summary>
    public async Task WriteAsync(IWebhookOutbox outbox, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var write in _staged)
        {
            await write(outbox, transaction, cancellationToken).ConfigureAwait(false);
        }

        _staged.Clear();
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
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }
}
