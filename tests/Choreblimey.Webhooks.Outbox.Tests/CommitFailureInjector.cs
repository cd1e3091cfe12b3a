using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Makes the next commit of an EF Core transaction throw before it reaches the database, once armed.</summary>
public sealed class CommitFailureInjector : DbTransactionInterceptor
{
    private int _armed;

    /// <summary>Makes the next commit throw <see cref="SimulatedFailureException"/>.</summary>
    public void FailNextCommit() => Volatile.Write(ref _armed, 1);

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        ThrowIfArmed();
        return result;
    }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction,
        TransactionEventData eventData,
        InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        ThrowIfArmed();
        return ValueTask.FromResult(result);
    }

    private void ThrowIfArmed()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            throw new SimulatedFailureException();
        }
    }
}
