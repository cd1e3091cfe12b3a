namespace Choreblimey.Webhooks.Sqlite;

/// <summary>How hard SQLite works to make each commit durable (the <c>synchronous</c> pragma in WAL mode).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// Every commit is flushed to disk before it is acknowledged (<c>synchronous=FULL</c>). A published message survives a
    /// power loss once <c>PublishAsync</c> returns. The default.
    /// </summary>
    Full = 0,

    /// <summary>
    /// The WAL is flushed at checkpoints only (<c>synchronous=NORMAL</c>). Faster; a power loss or OS crash can lose the
    /// last commits (they roll back), but never corrupts the database. A process crash loses nothing.
    /// </summary>
    Normal = 1,
}
