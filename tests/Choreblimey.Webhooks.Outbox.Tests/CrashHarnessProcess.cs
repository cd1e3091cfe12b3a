using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Choreblimey.Webhooks.Outbox.Tests;

/// <summary>
/// One run of the crash harness (tests/Choreblimey.Webhooks.CrashHarness) in its own process, with its output captured,
/// so a test can kill it with SIGKILL. Dispose always kills it, so a failing test never leaves a process behind.
/// </summary>
internal sealed class CrashHarnessProcess : IAsyncDisposable
{
    private static readonly Lazy<string> HarnessPath = new(FindHarness);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CrashHarnessProcess(Process process) => _process = process;

    /// <summary>Gets everything the process wrote so far (stdout and stderr interleaved), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet Choreblimey.Webhooks.CrashHarness.dll</c> with <paramref name="arguments"/>.</summary>
    public static CrashHarnessProcess Start(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo
        {
            // The SDK points DOTNET_HOST_PATH at the muxer that runs the tests; fall back to the one on PATH.
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(HarnessPath.Value)!,
        };
        startInfo.ArgumentList.Add(HarnessPath.Value);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var harness = new CrashHarnessProcess(process);
        process.OutputDataReceived += (_, e) => harness.Append(e.Data);
        process.ErrorDataReceived += (_, e) => harness.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start the crash harness.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return harness;
    }

    /// <summary>Waits until the process has printed a line starting with <paramref name="prefix"/>; fails at once if it exits first.</summary>
    public async Task WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!Output.Split('\n').Any(line => line.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The crash harness exited with {_process.ExitCode} before printing '{prefix}'. Its output:{Environment.NewLine}{Output}");
            }

            if (elapsed.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for the crash harness to print '{prefix}'. Its output:{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the process with SIGKILL (no shutdown code runs) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The crash harness did not exit within 15 s of SIGKILL.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }

    private static string FindHarness()
    {
        // The test project's build writes the harness's output path into this assembly (see the .csproj).
        var path = typeof(CrashHarnessProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CrashHarnessPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The crash harness was not found at '{path}'. Build tests/Choreblimey.Webhooks.Outbox.Tests (it builds the harness first).");
        }

        return path;
    }
}
