using System.Globalization;

namespace Choreblimey.Webhooks.Sample;

/// <summary>The sample's command line.</summary>
internal sealed record SampleArguments
{
    public int Count { get; init; } = 100;

    public string? Url { get; init; }

    public string? Secret { get; init; }

    public string Store { get; init; } = "sqlite";

    public string? Connection { get; init; }

    /// <summary>Gets whether <c>--help</c> or <c>-h</c> asked for the usage text instead of a run.</summary>
    public bool Help { get; init; }

    public static string Usage =>
        """
        Usage: dotnet run --project samples/Choreblimey.Webhooks.Sample -- [options]

          --count <n>            events to publish (default 100; 0 only delivers what is still pending)
          --store <kind>         memory | sqlite | postgres (default sqlite)
          --connection <value>   SQLite file path or connection string, or a PostgreSQL connection string
          --url <url>            send to your own receiver instead of the built-in one
          --secret <whsec_...>   the signing secret your receiver verifies with (with --url)
          -h, --help             show this text
        """;

    public static SampleArguments Parse(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            return new SampleArguments { Help = true };
        }

        var result = new SampleArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"The option {args[i]} needs a value.");
                }

                return args[++i];
            }

            result = args[i] switch
            {
                "--count" => result with { Count = ParseCount(Value()) },
                "--url" => result with { Url = Value() },
                "--secret" => result with { Secret = ParseSecret(Value()) },
                "--store" => result with { Store = ParseStore(Value()) },
                "--connection" => result with { Connection = Value() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        if (result.Store == "postgres" && result.Connection is null)
        {
            throw new ArgumentException("--store postgres needs --connection \"Host=...;Username=...;Password=...;Database=...\".");
        }

        return result;
    }

    private static int ParseCount(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 1_000_000
            ? count
            : throw new ArgumentException($"--count must be a whole number from 0 to 1000000; got '{value}'.");

    private static string ParseSecret(string value)
    {
        // Checked here so a bad secret is a usage error, not an exception from deep inside the run. The parser's message
        // never echoes the text, which may be a real secret with a typo.
        try
        {
            _ = WebhookSecret.Parse(value);
        }
        catch (FormatException exception)
        {
            throw new ArgumentException($"--secret is not a valid signing secret: {exception.Message}", exception);
        }

        return value;
    }

    private static string ParseStore(string value) => value switch
    {
        "memory" or "sqlite" or "postgres" => value,
        _ => throw new ArgumentException($"--store must be memory, sqlite or postgres; got '{value}'."),
    };
}
