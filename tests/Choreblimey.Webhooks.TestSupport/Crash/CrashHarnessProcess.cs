namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>Starts the crash harness (tests/Choreblimey.Webhooks.CrashHarness) in a process of its own.</summary>
public static class CrashHarnessProcess
{
    // The build of a test project that runs the harness writes its output path into the test assembly as metadata (see the
    // AddCrashHarnessPath target in the Storage and Outbox test projects).
    private static readonly Lazy<string> HarnessPath = new(() => DotnetAppProcess.FindBuiltApp(
        "CrashHarnessPath",
        "Build the test project that runs it (it builds tests/Choreblimey.Webhooks.CrashHarness first and records its path)."));

    /// <summary>Starts <c>dotnet Choreblimey.Webhooks.CrashHarness.dll</c> with <paramref name="arguments"/>.</summary>
    public static DotnetAppProcess Start(string name, params string[] arguments) =>
        DotnetAppProcess.Start(name, HarnessPath.Value, arguments);
}
