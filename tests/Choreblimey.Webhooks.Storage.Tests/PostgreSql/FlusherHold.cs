using Npgsql;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>
/// A lock a test holds on a store's attempts table while the store's flusher waits on it with <see cref="Held"/>.
/// Disposing commits (letting the flusher go) and checks that the held write came back unapplied.
/// </summary>
internal sealed class FlusherHold(NpgsqlConnection connection, NpgsqlTransaction transaction, Task<bool> held) : IAsyncDisposable
{
    /// <summary>Gets the write the flusher is busy with (its token never matches, so it answers <see langword="false"/>).</summary>
    public Task<bool> Held => held;

    public async ValueTask DisposeAsync()
    {
        await transaction.CommitAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
        Assert.False(await held, "The held write applied, though its token never matches.");
    }
}
