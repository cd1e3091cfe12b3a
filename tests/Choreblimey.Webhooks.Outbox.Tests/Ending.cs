namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>How a test's business transaction ends.</summary>
public enum Ending
{
    /// <summary>Commits (EF Core: SaveChangesAsync with no transaction of the host's, so the outbox begins one).</summary>
    Commit,

    /// <summary>Commits an explicit transaction the host began.</summary>
    CommitExplicit,

    /// <summary>Rolls the host's transaction back.</summary>
    Rollback,

    /// <summary>Throws after publishing and before committing; the transaction is disposed uncommitted.</summary>
    Throw,
}
