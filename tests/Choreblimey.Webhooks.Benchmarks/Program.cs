using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Choreblimey.Webhooks.Benchmarks.Load;
using Choreblimey.Webhooks.Benchmarks.Pipeline;

namespace Choreblimey.Webhooks.Benchmarks;

internal static class Program
{
    private const string Usage = """
        Usage:
          dotnet run -c Release --project tests/Choreblimey.Webhooks.Benchmarks -- micro [BenchmarkDotNet arguments, e.g. --filter *Signing*]
          dotnet run -c Release --project tests/Choreblimey.Webhooks.Benchmarks -- load [--events 50000] [--store all|memory,sqlite,postgres]
              [--concurrency 32] [--claim-batch 64] [--publishers 64] [--paced-rate 1000] [--paced-seconds 5]
              [--backlog 1000000] [--backlog-seconds 20] [--no-issue5] [--no-circuit-breaker] [--postgres-statements]
              [--sqlite-defer-worker-flushes] [--issue5-only]
          dotnet run -c Release --project tests/Choreblimey.Webhooks.Benchmarks -- pipeline [--events 100000] [--rounds 5] [--allocations] [--store memory|sqlite] [--sqlite-defer-worker-flushes]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        if (args[0] is "load" or "pipeline" && args.Skip(1).Any(static a => a is "-h" or "--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        switch (args[0])
        {
            case "micro":
                var rest = args[1..];
                // In process: the generated benchmark project would otherwise inherit this repository's strict build settings.
                var config = DefaultConfig.Instance
                    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1))
                    .AddDiagnoser(MemoryDiagnoser.Default)
                    .WithOptions(ConfigOptions.JoinSummary);
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
                return 0;
            case "load":
                return TryParse(LoadOptions.Parse, args) is { } load ? await new LoadCommand(load).RunAsync() : 2;
            case "pipeline":
                return TryParse(static a => PipelineCommand.Parse([.. a]), args) is { } pipeline ? await pipeline.RunAsync() : 2;
            default:
                Console.Error.WriteLine(Usage);
                return 1;
        }
    }

    /// <summary>Parses a command's options; a bad option is reported with the usage rather than a stack trace.</summary>
    private static T? TryParse<T>(Func<IReadOnlyList<string>, T> parse, string[] args)
        where T : class
    {
        try
        {
            return parse(args[1..]);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return null;
        }
    }
}
