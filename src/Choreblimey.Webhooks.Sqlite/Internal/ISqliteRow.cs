namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>
/// The current row of a result, read by column position: a <see cref="Microsoft.Data.Sqlite.SqliteDataReader"/>'s (through
/// <see cref="SqliteReaderRow"/>) or a <see cref="SqliteRawStatement"/>'s, so that one mapping of the store's rows serves both.
/// </summary>
internal interface ISqliteRow
{
    string GetText(int column);

    string? GetTextOrNull(int column);

    long GetInt64(int column);

    long? GetInt64OrNull(int column);

    /// <summary>Gets a blob's bytes; an empty array for NULL or a zero-length blob.</summary>
    byte[] GetBlob(int column);
}
