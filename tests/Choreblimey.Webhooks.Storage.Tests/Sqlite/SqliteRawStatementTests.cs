using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>The positional statements the publish inserts run on: values, errors, and reuse after either.</summary>
public sealed class SqliteRawStatementTests : IDisposable
{
    private const string Insert = "INSERT INTO items (name, note, amount, maybe, data) VALUES (?1, ?2, ?3, ?4, ?5)";

    private readonly SqliteConnection _connection = Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Values_are_bound_by_position_with_nulls_for_missing_ones()
    {
        using var insert = SqliteRawStatement.Prepare(_connection, Insert);

        insert.Bind(1, "first").Bind(2, (string?)null).Bind(3, 42L).Bind(4, (long?)7).Bind(5, "{\"a\":1}"u8).Execute();
        insert.Bind(1, "second").Bind(2, "a note").Bind(3, long.MinValue).Bind(4, (long?)null).Bind(5, ReadOnlySpan<byte>.Empty).Execute();

        Assert.Equal(
            [
                ("first", "null", 42L, "7", "blob:7"),
                ("second", "a note", long.MinValue, "null", "blob:0"),
            ],
            Rows());
    }

    [Fact]
    public void A_failing_write_throws_the_sqlite_error_naming_the_constraint_and_the_statement_stays_usable()
    {
        using var insert = SqliteRawStatement.Prepare(_connection, Insert);
        insert.Bind(1, "taken").Bind(2, (string?)null).Bind(3, 1L).Bind(4, (long?)null).Bind(5, "x"u8).Execute();

        var duplicate = Assert.Throws<SqliteException>(() =>
            insert.Bind(1, "taken").Bind(2, (string?)null).Bind(3, 2L).Bind(4, (long?)null).Bind(5, "y"u8).Execute());
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Contains("items.name", duplicate.Message, StringComparison.Ordinal);

        insert.Bind(1, "free").Bind(2, (string?)null).Bind(3, 3L).Bind(4, (long?)null).Bind(5, "z"u8).Execute();
        Assert.Equal(["taken", "free"], Rows().Select(r => r.Name));
    }

    [Fact]
    public void Bad_sql_fails_to_prepare_with_sqlites_message()
    {
        var error = Assert.Throws<SqliteException>(() => SqliteRawStatement.Prepare(_connection, "INSERT INTO missing (x) VALUES (?1)"));

        Assert.Contains("no such table: missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_with_returning_gives_its_first_value_or_null_when_it_changed_nothing()
    {
        using var insert = SqliteRawStatement.Prepare(_connection, Insert);
        insert.Bind(1, "first").Bind(2, "old").Bind(3, 1L).Bind(4, (long?)null).Bind(5, "x"u8).Execute();
        using var update = SqliteRawStatement.Prepare(_connection, "UPDATE items SET note = ?2 WHERE name = ?1 RETURNING note");

        Assert.Equal("new", update.Bind(1, "first").Bind(2, "new").ExecuteScalarText());
        Assert.Null(update.Bind(1, "missing").Bind(2, "other").ExecuteScalarText());
        Assert.Null(update.Bind(1, "first").Bind(2, (string?)null).ExecuteScalarText());

        Assert.Equal("null", Assert.Single(Rows()).Note);
    }

    [Fact]
    public void A_statement_that_returns_rows_is_refused_and_can_run_again()
    {
        using var select = SqliteRawStatement.Prepare(_connection, "SELECT 1");

        Assert.Throws<InvalidOperationException>(select.Execute);
        Assert.Throws<InvalidOperationException>(select.Execute);
    }

    [Fact]
    public async Task A_write_waits_while_another_connection_holds_the_write_lock_as_a_command_would()
    {
        using var directory = new TempDatabaseDirectory();
        var path = directory.File();
        using var holder = OpenFile(path, timeoutSeconds: 30);
        using var waiter = OpenFile(path, timeoutSeconds: 30);
        using var insert = SqliteRawStatement.Prepare(waiter, Insert);

        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; INSERT INTO items (name, amount, data) VALUES ('held', 1, x'00');";
            begin.ExecuteNonQuery();
        }

        // Without a retry the insert fails at once with SQLITE_BUSY (the connection sets no busy timeout of its own).
        var write = Task.Run(() => insert.Bind(1, "waited").Bind(2, (string?)null).Bind(3, 2L).Bind(4, (long?)null).Bind(5, "x"u8).Execute());
        Assert.NotSame(write, await Task.WhenAny(write, Task.Delay(TimeSpan.FromMilliseconds(500))));

        using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            commit.ExecuteNonQuery();
        }

        await write;
        Assert.Equal(["held", "waited"], Rows(waiter).Select(r => r.Name));
    }

    [Fact]
    public void A_write_gives_up_with_sqlites_busy_error_after_the_connections_default_timeout()
    {
        using var directory = new TempDatabaseDirectory();
        var path = directory.File();
        using var holder = OpenFile(path, timeoutSeconds: 30);
        using var waiter = OpenFile(path, timeoutSeconds: 1);
        using var insert = SqliteRawStatement.Prepare(waiter, Insert);
        using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        begin.ExecuteNonQuery();

        var busy = Assert.Throws<SqliteException>(() => insert.Bind(1, "late").Bind(2, (string?)null).Bind(3, 1L).Bind(4, (long?)null).Bind(5, "x"u8).Execute());

        Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public void The_cache_prepares_a_text_once_per_connection()
    {
        using var other = Open();
        using var cache = new SqliteStatementCache();

        var first = cache.GetRaw(_connection, Insert);
        Assert.Same(first, cache.GetRaw(_connection, Insert));

        var onOther = cache.GetRaw(other, Insert);
        Assert.NotSame(first, onOther);
        onOther.Bind(1, "elsewhere").Bind(2, (string?)null).Bind(3, 1L).Bind(4, (long?)null).Bind(5, "x"u8).Execute();

        Assert.Empty(Rows());
        Assert.Equal(["elsewhere"], Rows(other).Select(r => r.Name));
    }

    private static SqliteConnection OpenFile(string path, int timeoutSeconds)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout={timeoutSeconds}");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS items (name TEXT NOT NULL UNIQUE, note TEXT NULL, amount INTEGER NOT NULL, maybe INTEGER NULL, data BLOB NOT NULL)";
        create.ExecuteNonQuery();
        return connection;
    }

    private static SqliteConnection Open()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE items (name TEXT NOT NULL UNIQUE, note TEXT NULL, amount INTEGER NOT NULL, maybe INTEGER NULL, data BLOB NOT NULL)";
        create.ExecuteNonQuery();
        return connection;
    }

    private List<(string Name, string Note, long Amount, string Maybe, string Data)> Rows(SqliteConnection? connection = null)
    {
        using var select = (connection ?? _connection).CreateCommand();
        select.CommandText = "SELECT name, coalesce(note, 'null'), amount, coalesce(CAST(maybe AS TEXT), 'null'), typeof(data) || ':' || length(data) FROM items ORDER BY rowid";
        using var reader = select.ExecuteReader();
        var rows = new List<(string, string, long, string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        return rows;
    }
}
