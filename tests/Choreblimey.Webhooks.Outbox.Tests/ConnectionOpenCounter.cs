using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>Counts the connection opens EF Core makes for a context.</summary>
public sealed class ConnectionOpenCounter : DbConnectionInterceptor
{
    private int _opens;

    public int Opens => Volatile.Read(ref _opens);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Interlocked.Increment(ref _opens);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _opens);
        return Task.CompletedTask;
    }
}
