using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// The writer connection's commands, kept by SQL text so each statement is compiled once per connection instead of once
/// per write (Microsoft.Data.Sqlite keeps a command's prepared statements until its text changes). Used only on the
/// writer's thread; a new connection (after an error) starts a new set.
/// </summary>
internal sealed class SqliteStatementCache : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteRawStatement> _rawStatements = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    /// <summary>Gets the command for <paramref name="sql"/> on <paramref name="connection"/>, its parameters cleared.</summary>
    public SqliteStatement Get(SqliteConnection connection, string sql)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            Clear();
            _connection = connection;
        }

        if (_commands.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
        }
        else
        {
            command = SqliteSql.Command(connection, sql);
            _commands.Add(sql, command);
        }

        return SqliteStatement.Cached(command);
    }

    /// <summary>Gets the raw statement for <paramref name="sql"/> on <paramref name="connection"/>, prepared once per connection.</summary>
    public SqliteRawStatement GetRaw(SqliteConnection connection, string sql)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            Clear();
            _connection = connection;
        }

        if (!_rawStatements.TryGetValue(sql, out var statement))
        {
            statement = SqliteRawStatement.Prepare(connection, sql);
            _rawStatements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Executes a statement without parameters through the cache.</summary>
    public void Execute(SqliteConnection connection, string sql) => Get(connection, sql).Command.ExecuteNonQuery();

    public void Dispose() => Clear();

    private void Clear()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        foreach (var statement in _rawStatements.Values)
        {
            statement.Dispose();
        }

        _rawStatements.Clear();
        _connection = null;
    }
}
