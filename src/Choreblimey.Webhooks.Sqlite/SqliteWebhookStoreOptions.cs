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
    /// Gets or sets a value indicating whether the delivery worker's own writes (claims, attempt outcomes, lease releases)
    /// are flushed to disk at their commit, like every other write. The default value is <see langword="true"/>. Set to
    /// <see langword="false"/> on a disk whose flush is slow: with <see cref="SqliteSynchronousMode.Full"/>, a commit that
    /// holds only the worker's writes is then not flushed on its own and becomes durable with the next flushed commit (the
    /// write-ahead log is flushed in commit order). A power failure or OS crash can then lose the newest attempt outcomes and
    /// leases, never a publish that returned: those deliveries are sent again, with the same <c>webhook-id</c>, as
    /// at-least-once delivery allows. A process crash loses nothing either way. Has no effect with
    /// <see cref="SqliteSynchronousMode.Normal"/>.
    /// </summary>
    public bool FlushWorkerWrites { get; set; } = true;

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
