using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// A command to execute: one the writer's <see cref="SqliteStatementCache"/> keeps prepared (disposing it does nothing), or
/// one made for a single use on another connection (disposing it disposes the command).
/// </summary>
internal readonly struct SqliteStatement : IDisposable
{
    private readonly bool _owned;

    private SqliteStatement(SqliteCommand command, bool owned)
    {
        Command = command;
        _owned = owned;
    }

    /// <summary>Gets the command, with no parameters bound.</summary>
    public SqliteCommand Command { get; }

    /// <summary>The cached statement for <paramref name="sql"/> when <paramref name="statements"/> is given, else a new command.</summary>
    public static SqliteStatement For(SqliteStatementCache? statements, SqliteConnection connection, string sql) =>
        statements is null ? new SqliteStatement(SqliteSql.Command(connection, sql), owned: true) : statements.Get(connection, sql);

    internal static SqliteStatement Cached(SqliteCommand command) => new(command, owned: false);

    public void Dispose()
    {
        if (_owned)
        {
            Command.Dispose();
        }
    }
}
