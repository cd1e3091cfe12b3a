using System.Globalization;

namespace Choreblimey.Webhooks.CrashHarness;

/// <summary>The harness's command line.</summary>
internal sealed record HarnessArguments
{
    public const string Usage =
        "usage: Choreblimey.Webhooks.CrashHarness publish-and-deliver|deliver-only --store sqlite|postgres --connection <cs> " +
        "--worker-id <id> [--tenant <t>] [--count <n>] [--ack-file <path>] [--concurrency <n>] [--run-seconds <s>] [--exit-when-drained]\n" +
        "       Choreblimey.Webhooks.CrashHarness outbox-commit --store sqlite|postgres --connection <cs> --outbox ado|efcore " +
        "--invoice <id> --ack-file <path> [--tenant <t>] [--run-seconds <s>]";

    public required HarnessMode Mode { get; init; }

    /// <summary>Gets whether the process publishes before delivering (publish-and-deliver).</summary>
    public bool Publish => Mode == HarnessMode.PublishAndDeliver;

    public required string Store { get; init; }

    public required string Connection { get; init; }

    public required string WorkerId { get; init; }

    public string Tenant { get; init; } = "crash-tenant";

    public int Count { get; init; }

    public string? AckFile { get; init; }

    public int Concurrency { get; init; } = 4;

    public TimeSpan RunFor { get; init; } = TimeSpan.FromMinutes(5);

    public bool ExitWhenDrained { get; init; }

    /// <summary>Gets how outbox-commit writes: <c>ado</c> (the store's PublishAsync on the host's transaction) or <c>efcore</c> (AddWebhook + SaveChangesAsync).</summary>
    public string? Outbox { get; init; }

    /// <summary>Gets the id of the business row outbox-commit writes.</summary>
    public string? Invoice { get; init; }

    public static HarnessArguments Parse(IReadOnlyList<string> args)
    {
        var mode = args.Count == 0 ? (HarnessMode?)null : args[0] switch
        {
            "publish-and-deliver" => HarnessMode.PublishAndDeliver,
            "deliver-only" => HarnessMode.DeliverOnly,
            "outbox-commit" => HarnessMode.OutboxCommit,
            _ => null,
        };
        if (mode is null)
        {
            throw new ArgumentException("The first argument must be the mode: publish-and-deliver, deliver-only or outbox-commit.");
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

        var outbox = mode == HarnessMode.OutboxCommit;
        var parsed = new HarnessArguments
        {
            Mode = mode.Value,
            Store = Required("store") is "sqlite" or "postgres" ? values["store"] : throw new ArgumentException("--store must be sqlite or postgres."),
            Connection = Required("connection"),
            WorkerId = outbox ? values.GetValueOrDefault("worker-id", "outbox-committer") : Required("worker-id"),
            Tenant = values.GetValueOrDefault("tenant", "crash-tenant"),
            Count = Number("count", 0),
            AckFile = values.GetValueOrDefault("ack-file"),
            Concurrency = Number("concurrency", 4),
            RunFor = TimeSpan.FromSeconds(Number("run-seconds", 300)),
            ExitWhenDrained = exitWhenDrained,
            Outbox = outbox
                ? Required("outbox") is "ado" or "efcore" ? values["outbox"] : throw new ArgumentException("--outbox must be ado or efcore.")
                : null,
            Invoice = outbox ? Required("invoice") : null,
        };
        if (mode != HarnessMode.DeliverOnly && parsed.AckFile is null)
        {
            throw new ArgumentException($"{args[0]} needs --ack-file.");
        }

        return parsed;
    }
}
