using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// Recognises a server session that lost the store's prepared statements (a pooler that hands each transaction to another
/// server connection) and turns it into an error that says what to change.
/// </summary>
internal static class PostgreSqlPreparedStatements
{
    /// <summary>Gets whether <paramref name="exception"/> says a prepared statement the client relied on does not exist.</summary>
    /// <param name="exception">The server's error.</param>
    /// <returns><see langword="true"/> for SQLSTATE 26000 (<c>invalid_sql_statement_name</c>).</returns>
    public static bool IsLost(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.InvalidSqlStatementName;

    /// <summary>Creates the error reported instead of <paramref name="exception"/>.</summary>
    /// <param name="exception">The server's error.</param>
    /// <returns>The error, with <paramref name="exception"/> as its inner exception.</returns>
    public static InvalidOperationException LostError(PostgresException exception) =>
        new(
            "The PostgreSQL webhook store prepared a statement that the server session no longer has (" + exception.MessageText + "). " +
            "This happens behind a connection pooler that does not keep prepared statements (PgBouncer before 1.21, or without " +
            "max_prepared_statements, in transaction mode). Set PostgreSqlWebhookStoreOptions.PrepareStatements to false.",
            exception);
}
