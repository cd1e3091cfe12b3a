using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// A statement prepared directly on a connection's SQLite handle, with values bound by position. The publish inserts run
/// on the single writer, whose serial work bounds publishes per second; through <see cref="SqliteCommand"/> each insert
/// also builds a parameter object per value, looks every parameter up by name and boxes every number. It behaves as a
/// command would: a locked database is retried until the connection's default timeout, and errors surface as the same
/// <see cref="SqliteException"/>.
/// </summary>
internal sealed class SqliteRawStatement : ISqliteRow, IDisposable
{
    // Microsoft.Data.Sqlite's commands wait this long between tries while the database is locked.
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromMilliseconds(150);

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly TimeSpan _busyTimeout;

    private SqliteRawStatement(sqlite3 database, sqlite3_stmt statement, TimeSpan busyTimeout)
    {
        _database = database;
        _statement = statement;
        _busyTimeout = busyTimeout;
    }

    /// <summary>Prepares <paramref name="sql"/> (one statement, parameters numbered <c>?1</c>, <c>?2</c>, ...) on <paramref name="connection"/>.</summary>
    public static SqliteRawStatement Prepare(SqliteConnection connection, string sql)
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(database, sql, out sqlite3_stmt? statement);
        if (rc == raw.SQLITE_OK && statement is not null)
        {
            return new SqliteRawStatement(database, statement, TimeSpan.FromSeconds(connection.DefaultTimeout));
        }

        statement?.Dispose();
        SqliteException.ThrowExceptionForRC(rc, database);
        throw new ArgumentException("The SQL holds no statement.", nameof(sql));
    }

    public SqliteRawStatement Bind(int position, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, position) : raw.sqlite3_bind_text(_statement, position, value));
        return this;
    }

    public SqliteRawStatement Bind(int position, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, position, value));
        return this;
    }

    public SqliteRawStatement Bind(int position, long? value) =>
        value is { } set ? Bind(position, set) : BindNull(position);

    public SqliteRawStatement Bind(int position, ReadOnlySpan<byte> value)
    {
        // An empty span has no address, and SQLite binds a blob without one as NULL.
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, position, 0) : raw.sqlite3_bind_blob(_statement, position, value));
        return this;
    }

    /// <summary>Runs the statement to completion (a write returns no rows) and resets it for the next values.</summary>
    public void Execute()
    {
        if (Step())
        {
            raw.sqlite3_reset(_statement);
            throw new InvalidOperationException("The statement returned rows; use ExecuteScalarText for a write with RETURNING.");
        }
    }

    /// <summary>
    /// Runs a write whose <c>RETURNING</c> clause gives one text column, and resets the statement: the first row's value,
    /// or <see langword="null"/> when the write changed no row (or the value is NULL). SQLite makes all of a statement's changes on its first step.
    /// </summary>
    public string? ExecuteScalarText()
    {
        if (!Step())
        {
            return null;
        }

        var value = raw.sqlite3_column_type(_statement, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_statement, 0).utf8_to_string();
        raw.sqlite3_reset(_statement);
        return value;
    }

    /// <summary>
    /// Steps to the next row of a query, or of a write's <c>RETURNING</c> clause: <see langword="true"/> with the row's
    /// columns readable, <see langword="false"/> when there are no more (the statement is then reset). A caller that may
    /// stop early calls <see cref="Reset"/> in a <see langword="finally"/>, so the cached statement can be bound again.
    /// </summary>
    public bool Read() => Step();

    /// <summary>Resets the statement after a read that stopped early; harmless after one that ran to the end.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public string GetText(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public string? GetTextOrNull(int column) => IsNull(column) ? null : GetText(column);

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public long? GetInt64OrNull(int column) => IsNull(column) ? null : GetInt64(column);

    public byte[] GetBlob(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    /// <summary>Steps once: <see langword="true"/> on a row (left for the caller to read and reset), <see langword="false"/> when done (reset).</summary>
    private bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (IsLocked(rc))
        {
            rc = RetryWhileLocked(rc);
        }

        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            raw.sqlite3_reset(_statement);
            return false;
        }

        try
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
            throw new InvalidOperationException($"SQLite returned {rc} from a step.");
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    // SQLITE_BUSY covers the cases SQLite's own busy handler does not wait for (a deferred transaction that must take the
    // write lock), SQLITE_LOCKED a table lock in a shared cache; a command retries both, so a raw statement does too.
    private static bool IsLocked(int rc) => (rc & 0xFF) is raw.SQLITE_BUSY or raw.SQLITE_LOCKED;

    private int RetryWhileLocked(int rc)
    {
        var started = Stopwatch.GetTimestamp();
        while (IsLocked(rc) && Stopwatch.GetElapsedTime(started) < _busyTimeout)
        {
            raw.sqlite3_reset(_statement);
            Thread.Sleep(BusyRetryDelay);
            rc = raw.sqlite3_step(_statement);
        }

        return rc;
    }

    private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    private SqliteRawStatement BindNull(int position)
    {
        Check(raw.sqlite3_bind_null(_statement, position));
        return this;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }
}
