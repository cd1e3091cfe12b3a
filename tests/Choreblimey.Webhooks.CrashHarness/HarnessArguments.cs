using System.Globalization;

namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>The harness's command line.</summary>
internal sealed record HarnessArguments
{
    public const string Usage =
        "usage: Choreblimey.Webhooks.CrashHarness publish-and-deliver|deliver-only --store sqlite|postgres --connection <cs> " +
        "--worker-id <id> [--tenant <t>] [--count <n>] [--ack-file <path>] [--concurrency <n>] [--run-seconds <s>] [--exit-when-drained]";

    public required bool Publish { get; init; }

    public required string Store { get; init; }

    public required string Connection { get; init; }

    public required string WorkerId { get; init; }

    public string Tenant { get; init; } = "crash-tenant";

    public int Count { get; init; }

    public string? AckFile { get; init; }

    public int Concurrency { get; init; } = 4;

    public TimeSpan RunFor { get; init; } = TimeSpan.FromMinutes(5);

    public bool ExitWhenDrained { get; init; }

    public static HarnessArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("publish-and-deliver" or "deliver-only"))
        {
            throw new ArgumentException("The first argument must be the mode: publish-and-deliver or deliver-only.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var exitWhenDrained = false;
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--exit-when-drained")
            {
                exitWhenDrained = true;
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{name}'.");
            }

            values[name[2..]] = args[++i];
        }

        string Required(string name) => values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new ArgumentException($"--{name} is required.");
        int Number(string name, int fallback) => values.TryGetValue(name, out var value)
            ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture)
            : fallback;

        var publish = args[0] == "publish-and-deliver";
        var parsed = new HarnessArguments
        {
            Publish = publish,
            Store = Required("store") is "sqlite" or "postgres" ? values["store"] : throw new ArgumentException("--store must be sqlite or postgres."),
            Connection = Required("connection"),
            WorkerId = Required("worker-id"),
            Tenant = values.GetValueOrDefault("tenant", "crash-tenant"),
            Count = Number("count", 0),
            AckFile = values.GetValueOrDefault("ack-file"),
            Concurrency = Number("concurrency", 4),
            RunFor = TimeSpan.FromSeconds(Number("run-seconds", 300)),
            ExitWhenDrained = exitWhenDrained,
        };
        if (publish && parsed.AckFile is null)
        {
            throw new ArgumentException("publish-and-deliver needs --ack-file.");
        }

        return parsed;
    }
}
