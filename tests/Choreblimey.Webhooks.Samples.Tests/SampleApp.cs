using Choreblimey.Webhooks.Testing.Support;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>A console sample, built with this project, run as <c>dotnet sample.dll args</c> in a process of its own.</summary>
internal sealed class SampleApp
{
    // A run takes a few seconds. The bound leaves room for a busy CI machine and still ends a stuck run long before the
    // sample's own three-minute wait for its deliveries would.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly string _name;
    private readonly Lazy<string> _path;

    private SampleApp(string name)
    {
        _name = name;
        // The build of this project records each sample's output path in the test assembly (the AddSampleAppPaths target).
        _path = new(() => DotnetAppProcess.FindBuiltApp(
            "SampleAppPath:" + name,
            "Build tests/Choreblimey.Webhooks.Samples.Tests: it builds the samples first and records where they are."));
    }

    /// <summary>Gets samples/Choreblimey.Webhooks.Sample, the README's main sample.</summary>
    public static SampleApp Webhooks { get; } = new("Choreblimey.Webhooks.Sample");

    /// <summary>Gets samples/Choreblimey.Webhooks.InvoiceSample, the EF Core outbox sample.</summary>
    public static SampleApp Invoices { get; } = new("Choreblimey.Webhooks.InvoiceSample");

    /// <summary>Gets samples/Choreblimey.Webhooks.ContractTool, which writes a host's partner contract.</summary>
    public static SampleApp ContractTool { get; } = new("Choreblimey.Webhooks.ContractTool");

    /// <summary>Runs the sample to its end in <paramref name="directory"/>, which is also its home.</summary>
    public async Task<SampleRun> RunAsync(SampleDirectory directory, params string[] arguments)
    {
        var name = arguments.Length == 0 ? _name : $"{_name} {string.Join(' ', arguments)}";
        await using var process = DotnetAppProcess.Start(name, _path.Value, arguments, directory.Path, directory.Environment);
        var exitCode = await process.WaitForExitAsync(RunTimeout);
        return new SampleRun(name, exitCode, process.Output, process.Error);
    }
}
