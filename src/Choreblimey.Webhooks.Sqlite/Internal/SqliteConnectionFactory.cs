using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// Opens connections with the store's pragmas and keeps a small pool of idle read connections (WAL lets them read while
/// the writer writes). Microsoft.Data.Sqlite's own pooling is turned off so the store owns and closes every connection.
/// </summary>
internal sealed class SqliteConnectionFactory : IDisposable
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly int _maxIdleReaders;
    private readonly ConcurrentBag<SqliteConnection> _idleReaders = [];
    private volatile bool _disposed;

    public SqliteConnectionFactory(SqliteWebhookStoreOptions options)
    {
        _connectionString = SqliteConnectionStrings.Build(options);
        _pragmas = SqliteConnectionStrings.PragmaSql(options);
        _maxIdleReaders = Math.Max(4, Environment.ProcessorCount);
        DatabasePath = Path.GetFullPath(new SqliteConnectionStringBuilder(_connectionString).DataSource);
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens a connection for writing (the writer loop and schema migration).</summary>
    public SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            SqliteSql.Execute(connection, _pragmas);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes an idle read connection or opens a new one.</summary>
    public async ValueTask<SqliteConnection> RentReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idleReaders.TryTake(out var idle))
        {
            return idle;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqliteSql.Execute(connection, _pragmas + " PRAGMA query_only = ON;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives a read connection back; a connection that saw an error is closed instead of pooled.</summary>
    public void ReturnReader(SqliteConnection connection, bool healthy)
    {
        if (!healthy || _disposed || _idleReaders.Count >= _maxIdleReaders)
        {
            connection.Dispose();
            return;
        }

        _idleReaders.Add(connection);
        if (_disposed)
        {
            DrainReaders();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DrainReaders();
    }

    private void DrainReaders()
    {
        while (_idleReaders.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
