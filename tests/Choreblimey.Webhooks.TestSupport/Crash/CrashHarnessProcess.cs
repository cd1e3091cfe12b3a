using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>
/// One run of the crash harness (tests/Choreblimey.Webhooks.CrashHarness) in its own process, with its output captured.
/// Dispose always kills it, so a failing test never leaves a process behind.
/// </summary>
public sealed class CrashHarnessProcess : IAsyncDisposable
{
    private static readonly Lazy<string> HarnessPath = new(FindHarness);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CrashHarnessProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

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
    public static CrashHarnessProcess Start(string name, params string[] arguments)
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
        var harness = new CrashHarnessProcess(name, process);
        process.OutputDataReceived += (_, e) => harness.Append(e.Data);
        process.ErrorDataReceived += (_, e) => harness.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start the crash harness '{name}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return harness;
    }

    /// <summary>Waits until the process has printed a line starting with <paramref name="prefix"/>.</summary>
    public Task WaitForLineAsync(string prefix, TimeSpan timeout) =>
        CrashWait.UntilAsync(() => HasLine(prefix), timeout, $"{Name} to print '{prefix}'", this);

    public bool HasLine(string prefix) =>
        Output.Split('\n').Any(line => line.StartsWith(prefix, StringComparison.Ordinal));

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
            throw new TimeoutException($"{Name} did not exit within 15 s of SIGKILL.");
        }
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s. Its output:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
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
        // The build of a test project that runs the harness writes its output path into the test assembly as metadata
        // (see the AddCrashHarnessPath target in the Storage and Outbox test projects).
        var path = AppDomain.CurrentDomain.GetAssemblies()
            .Where(static a => !a.IsDynamic)
            .SelectMany(static a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
            .FirstOrDefault(static a => a.Key == "CrashHarnessPath")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The crash harness was not found at '{path}'. Build the test project that runs it (it builds tests/Choreblimey.Webhooks.CrashHarness first and records its path).");
        }

        return path;
    }
}
