using Choreblimey.Webhooks.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Storage.Tests.Sqlite;

/// <summary>The writer's prepared statements: reused per connection, parameters fresh each time, rebuilt for a new connection.</summary>
public sealed class SqliteStatementCacheTests : IDisposable
{
    private const string Insert = "INSERT INTO items (name) VALUES ($name) RETURNING id";

    private readonly SqliteConnection _first = Open();
    private readonly SqliteConnection _second = Open();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public void The_same_text_on_the_same_connection_reuses_one_command_with_its_parameters_cleared()
    {
        using var cache = new SqliteStatementCache();

        var first = cache.Get(_first, Insert).Command;
        Assert.Equal(1L, first.With("$name", "a").ExecuteScalar());
        var again = cache.Get(_first, Insert).Command;

        Assert.Same(first, again);
        Assert.Empty(again.Parameters);
        Assert.Equal(2L, again.With("$name", "b").ExecuteScalar());
        Assert.Equal(["a", "b"], Names(_first));
    }

    [Fact]
    public void A_new_connection_gets_new_commands_and_the_old_ones_are_let_go()
    {
        using var cache = new SqliteStatementCache();
        var onFirst = cache.Get(_first, Insert).Command;
        onFirst.With("$name", "a").ExecuteScalar();

        var onSecond = cache.Get(_second, Insert).Command;
        onSecond.With("$name", "b").ExecuteScalar();

        Assert.NotSame(onFirst, onSecond);
        Assert.Same(_second, onSecond.Connection);
        Assert.Equal(["a"], Names(_first));
        Assert.Equal(["b"], Names(_second));

        // Back on the first connection (as after the writer reopened it): a fresh command again, not the disposed one.
        var back = cache.Get(_first, Insert).Command;
        Assert.NotSame(onFirst, back);
        Assert.Equal(2L, back.With("$name", "c").ExecuteScalar());
    }

    [Fact]
    public void Without_a_cache_a_statement_is_a_command_of_its_own_that_disposing_releases()
    {
        using var cache = new SqliteStatementCache();
        var cached = cache.Get(_first, Insert).Command;

        SqliteCommand single;
        using (var statement = SqliteStatement.For(null, _first, Insert))
        {
            single = statement.Command;
            Assert.NotSame(cached, single);
            Assert.Equal(1L, single.With("$name", "a").ExecuteScalar());
        }

        using (var statement = SqliteStatement.For(cache, _first, Insert))
        {
            Assert.Same(cached, statement.Command);
        }

        // Disposing the cached statement left its command usable.
        Assert.Equal(2L, cached.With("$name", "b").ExecuteScalar());
    }

    private static SqliteConnection Open()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
        create.ExecuteNonQuery();
        return connection;
    }

    private static List<string> Names(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name FROM items ORDER BY id";
        using var reader = select.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
