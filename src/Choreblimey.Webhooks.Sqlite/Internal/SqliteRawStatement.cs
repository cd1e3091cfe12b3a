using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// A statement prepared directly on a connection's SQLite handle, with values bound by position. The publish inserts run
/// on the single writer, whose serial work bounds publishes per second; through <see cref="SqliteCommand"/> each insert
/// also builds a parameter object per value, looks every parameter up by name and boxes every number. Errors surface as
/// the same <see cref="SqliteException"/> a command would throw.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    private SqliteRawStatement(sqlite3 database, sqlite3_stmt statement)
    {
        _database = database;
        _statement = statement;
    }

    /// <summary>Prepares <paramref name="sql"/> (one statement, parameters numbered <c>?1</c>, <c>?2</c>, ...) on <paramref name="connection"/>.</summary>
    public static SqliteRawStatement Prepare(SqliteConnection connection, string sql)
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(database, sql, out sqlite3_stmt? statement);
        if (rc == raw.SQLITE_OK && statement is not null)
        {
            return new SqliteRawStatement(database, statement);
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

    /// <summary>Steps once: <see langword="true"/> on a row (left for the caller to read and reset), <see langword="false"/> when done (reset).</summary>
    private bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
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
