using System.Globalization;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>
/// The CPU time of every <c>postgres</c> process on the machine (the benchmark's throwaway server: postmaster, backends,
/// background workers, and the exited children it reaped), from <c>/proc</c>. On the 2-core machine the server shares the
/// cores with the process measured, so its CPU per delivery is part of what bounds PostgreSQL's figures.
/// </summary>
internal readonly record struct PostgreSqlServerUsage(TimeSpan Total)
{
    // USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux build the benchmark targets.
    private const double TicksPerSecond = 100;

    public static PostgreSqlServerUsage Now()
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // The process exited meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat[(open + 1)..close] != "postgres")
            {
                continue;
            }

            // After the command name: state is field 3; utime, stime, cutime and cstime are fields 14 to 17.
            var fields = stat[(close + 2)..].Split(' ');
            for (var field = 14; field <= 17; field++)
            {
                ticks += long.Parse(fields[field - 3], CultureInfo.InvariantCulture);
            }
        }

        return new PostgreSqlServerUsage(TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }

    public static PostgreSqlServerUsage operator -(PostgreSqlServerUsage after, PostgreSqlServerUsage before) => new(after.Total - before.Total);
}
