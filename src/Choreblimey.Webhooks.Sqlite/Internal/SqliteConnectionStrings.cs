using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>Validates the options and builds the connection string the store opens its connections with.</summary>
internal static class SqliteConnectionStrings
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    public static string? Validate(SqliteWebhookStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return "SqliteWebhookStoreOptions.ConnectionString is required.";
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > MaxBusyTimeout)
        {
            // The upper bound is SQLite's: busy_timeout takes whole milliseconds in an int.
            return string.Create(
                CultureInfo.InvariantCulture,
                $"SqliteWebhookStoreOptions.BusyTimeout must be between {TimeSpan.Zero:c} and {MaxBusyTimeout:c}; it is {options.BusyTimeout:c}.");
        }

        if (options.MaxGroupCommitSize < 1)
        {
            return "SqliteWebhookStoreOptions.MaxGroupCommitSize must be at least 1.";
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            return "SqliteWebhookStoreOptions.Synchronous is not a known mode.";
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(Normalize(options.ConnectionString));
            if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
            {
                return "The SQLite webhook store needs a database file; in-memory databases are not supported.";
            }

            if (builder.Mode == SqliteOpenMode.ReadOnly)
            {
                return "The SQLite webhook store needs a writable database.";
            }

            // Shared-cache connections lock whole tables and fail at once with SQLITE_LOCKED, which the busy timeout does not
            // wait out: a delivery-log query would fail whenever the writer's transaction is open.
            if (builder.Cache == SqliteCacheMode.Shared)
            {
                return "The SQLite webhook store does not support Cache=Shared: shared-cache connections lock whole tables and fail " +
                       "with SQLITE_LOCKED instead of waiting. Remove Cache=Shared from the connection string (WAL already lets readers and the writer work at once).";
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            // The builder converts values with Convert.ToInt32 and Convert.ToBoolean: "Pooling=maybe" throws a FormatException.
            return "SqliteWebhookStoreOptions.ConnectionString is not a valid SQLite connection string: " + ex.Message;
        }

        return null;
    }

    /// <summary>Turns a plain path into a connection string.</summary>
    public static string Normalize(string pathOrConnectionString) =>
        pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? pathOrConnectionString
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString }.ConnectionString;

    /// <summary>The connection string with pooling off (the store pools its own connections) and the busy timeout applied.</summary>
    public static string Build(SqliteWebhookStoreOptions options)
    {
        var builder = new SqliteConnectionStringBuilder(Normalize(options.ConnectionString))
        {
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(Math.Max(1, options.BusyTimeout.TotalSeconds)),
        };
        return builder.ConnectionString;
    }

    // temp_store = MEMORY: every queued write runs in its own savepoint, whose statement journal would otherwise be a
    // temporary file written on each write; it only serves rollbacks inside the open transaction, so durability is unchanged.
    public static string PragmaSql(SqliteWebhookStoreOptions options) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA synchronous = {(options.Synchronous == SqliteSynchronousMode.Normal ? "NORMAL" : "FULL")};");
}
