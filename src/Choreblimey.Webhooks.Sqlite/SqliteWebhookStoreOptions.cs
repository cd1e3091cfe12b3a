namespace Choreblimey.Webhooks.Sqlite;

/// <summary>Configures the SQLite webhook store.</summary>
public sealed class SqliteWebhookStoreOptions
{
    /// <summary>
    /// Gets or sets the SQLite connection string, such as <c>Data Source=webhooks.db</c>. A plain file path (text without
    /// <c>=</c>) is accepted and becomes <c>Data Source=&lt;path&gt;</c>. The database must be a file: in-memory databases are not supported.
    /// </summary>
    public required string ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the durability of each commit. The default value is <see cref="SqliteSynchronousMode.Full"/>.
    /// <see cref="SqliteSynchronousMode.Normal"/> can lose the last commits on power loss, but does not corrupt the database.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>
    /// Gets or sets how long a connection waits for a lock held by another connection or process before failing.
    /// The default value is 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the most queued write operations committed together in one transaction (one disk flush).
    /// The default value is 256.
    /// </summary>
    public int MaxGroupCommitSize { get; set; } = 256;
}
