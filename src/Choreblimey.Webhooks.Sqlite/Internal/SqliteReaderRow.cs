using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>A <see cref="SqliteDataReader"/>'s current row as an <see cref="ISqliteRow"/>.</summary>
internal readonly struct SqliteReaderRow(SqliteDataReader reader) : ISqliteRow
{
    public string GetText(int column) => reader.GetString(column);

    public string? GetTextOrNull(int column) => SqliteSql.GetStringOrNull(reader, column);

    public long GetInt64(int column) => reader.GetInt64(column);

    public long? GetInt64OrNull(int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);

    public byte[] GetBlob(int column) => SqliteSql.GetBytes(reader, column);
}
