using System.Diagnostics;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>Bounded waits for the crash tests: every wait ends with a clear message, and fails at once if a process that must keep running has died.</summary>
public static class CrashWait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, params DotnetAppProcess[] mustStayAlive)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            if (mustStayAlive.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited while waiting for {what}. Its output:{Environment.NewLine}{dead.Output}");
            }

            if (elapsed.Elapsed > timeout)
            {
                var outputs = string.Concat(mustStayAlive.Select(p => $"{Environment.NewLine}--- {p.Name} ---{Environment.NewLine}{p.Output}"));
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.{outputs}");
            }

            await Task.Delay(50);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, params DotnetAppProcess[] mustStayAlive)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (mustStayAlive.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited while waiting for {what}. Its output:{Environment.NewLine}{dead.Output}");
            }

            if (elapsed.Elapsed > timeout)
            {
                var outputs = string.Concat(mustStayAlive.Select(p => $"{Environment.NewLine}--- {p.Name} ---{Environment.NewLine}{p.Output}"));
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for {what}.{outputs}");
            }

            await Task.Delay(200);
        }
    }
}
