using Choreblimey.Webhooks.PostgreSql;
using Npgsql;

namespace Choreblimey.Webhooks.Storage.Tests.PostgreSql;

/// <summary>Which server errors let the write batcher run a failed batch's writes again one by one (no server needed).</summary>
public sealed class PostgreSqlWriteBatcherTests
{
    [Theory]
    [InlineData("ERROR", "ERROR", PostgresErrorCodes.RaiseException, true)]
    [InlineData("ERROR", "ERROR", PostgresErrorCodes.SerializationFailure, true)]
    [InlineData("ERREUR", "ERROR", PostgresErrorCodes.UniqueViolation, true)]
    [InlineData("FATAL", "FATAL", PostgresErrorCodes.AdminShutdown, false)]
    [InlineData("FATAL", "FATAL", PostgresErrorCodes.CrashShutdown, false)]
    [InlineData("PANIC", "PANIC", PostgresErrorCodes.InternalError, false)]
    public void Only_an_error_that_leaves_the_session_going_means_the_batch_was_rolled_back(string severity, string invariantSeverity, string sqlState, bool rolledBack)
    {
        // Severity is in the server's language (lc_messages, "ERREUR" in French); the invariant severity decides.
        var exception = new PostgresException("test", severity, invariantSeverity, sqlState);

        Assert.Equal(rolledBack, PostgreSqlWriteBatcher.IsRolledBackBatchError(exception));
    }
}
