using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// Where the PostgreSQL server's time goes, per statement, from pg_stat_statements (the load command's
/// <c>--postgres-statements</c>, which starts the throwaway server with the module preloaded).
/// </summary>
internal static partial class PostgreSqlStatementStats
{
    /// <summary>The server settings that load the module and time planning too.</summary>
    public static readonly IReadOnlyList<string> ServerSettings =
        ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on", "pg_stat_statements.max=1000"];

    /// <summary>Creates the extension in the store's database and clears the counters.</summary>
    public static async Task ResetAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The statements of the store's database by total server time (planning and execution), as Markdown.</summary>
    public static async Task<string> ReportAsync(string connectionString, int deliveries, int top = 10)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT query, calls, rows, total_plan_time, total_exec_time
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database()
            ORDER BY total_plan_time + total_exec_time DESC
            """,
            connection);
        var rows = new List<(string Query, long Calls, long Rows, double Plan, double Exec)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4)));
            }
        }

        var total = rows.Sum(static r => r.Plan + r.Exec);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Server time in statements: {total * 1000 / deliveries:0} µs per delivery (planning {rows.Sum(static r => r.Plan) * 1000 / deliveries:0} µs).");
        text.AppendLine();
        text.AppendLine("| Statement | Calls | Rows per call | Plan ms per call | Execute ms per call | Share |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows.Take(top))
        {
            var query = Whitespace().Replace(r.Query, " ");
            query = query.Length > 90 ? query[..90] + "…" : query;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{query.Replace("|", "\\|", StringComparison.Ordinal)}` | {r.Calls:N0} | {r.Rows / (double)Math.Max(r.Calls, 1):0.0} | {r.Plan / Math.Max(r.Calls, 1):0.000} | {r.Exec / Math.Max(r.Calls, 1):0.000} | {(r.Plan + r.Exec) / total:P0} |");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
