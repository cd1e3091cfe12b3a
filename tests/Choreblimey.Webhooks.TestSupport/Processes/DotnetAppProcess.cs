using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>
/// One run of a built .NET app (<c>dotnet app.dll args</c>) in its own process, with its output captured. Dispose always
/// kills it and its children, so a failing test never leaves a process behind.
/// </summary>
public sealed class DotnetAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private DotnetAppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process wrote so far (stdout and stderr interleaved), for assertions and failure messages.</summary>
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

    /// <summary>Gets what the process wrote to stderr so far (it is in <see cref="Output"/> too).</summary>
    public string Error
    {
        get
        {
            lock (_output)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="assemblyPath"/></c> with <paramref name="arguments"/>.</summary>
    /// <param name="name">What failure messages call the process.</param>
    /// <param name="assemblyPath">The app's built dll, e.g. from <see cref="FindBuiltApp"/>.</param>
    /// <param name="arguments">The app's command line.</param>
    /// <param name="workingDirectory">The process's working directory; the app's own folder when <see langword="null"/>.</param>
    /// <param name="environment">Variables to set (or, with a <see langword="null"/> value, remove) in the inherited environment.</param>
    public static DotnetAppProcess Start(
        string name,
        string assemblyPath,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo
        {
            // The SDK points DOTNET_HOST_PATH at the muxer that runs the tests; fall back to the one on PATH.
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(assemblyPath)!,
        };
        startInfo.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[variable] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var app = new DotnetAppProcess(name, process);
        process.OutputDataReceived += (_, e) => app.Append(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data, error: true);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start '{name}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>
    /// Finds an app that the build of a test project recorded in its test assembly as
    /// <c>[assembly: AssemblyMetadata(<paramref name="metadataKey"/>, path)]</c> (see the AddCrashHarnessPath target in the
    /// Storage and Outbox test projects).
    /// </summary>
    /// <param name="metadataKey">The metadata key the path was recorded under.</param>
    /// <param name="whatToBuild">What the failure message tells the reader to build.</param>
    /// <returns>The full path of the app's dll.</returns>
    public static string FindBuiltApp(string metadataKey, string whatToBuild)
    {
        var path = AppDomain.CurrentDomain.GetAssemblies()
            .Where(static a => !a.IsDynamic)
            .SelectMany(static a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
            .FirstOrDefault(a => a.Key == metadataKey)?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException($"The app recorded as '{metadataKey}' was not found at '{path}'. {whatToBuild}");
        }

        return path;
    }

    /// <summary>Waits until the process has printed a line starting with <paramref name="prefix"/>.</summary>
    public Task WaitForLineAsync(string prefix, TimeSpan timeout) =>
        CrashWait.UntilAsync(() => HasLine(prefix), timeout, $"{Name} to print '{prefix}'", this);

    public bool HasLine(string prefix) =>
        Output.Split('\n').Any(line => line.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Kills the process and its children with SIGKILL (no shutdown code runs) and waits until it is gone.</summary>
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

    /// <summary>Waits for the process to exit by itself and returns its exit code; on a timeout it is killed and the exception carries its output.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s and was killed. Its output:{Environment.NewLine}{Output}");
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

    private void Append(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            if (error)
            {
                _error.Append(line).Append('\n');
            }
        }
    }
}
