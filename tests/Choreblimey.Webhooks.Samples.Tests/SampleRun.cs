namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>How a sample's run ended and what it printed; every failed assertion shows the whole output.</summary>
internal sealed record SampleRun(string Name, int ExitCode, string Output, string Error)
{
    /// <summary>Gets the printed lines, stdout and stderr interleaved.</summary>
    public IReadOnlyList<string> Lines { get; } = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void AssertExitCode(int expected) =>
        Assert.True(ExitCode == expected, $"'{Name}' exited with {ExitCode}, not {expected}.{Describe()}");

    public void AssertLine(string line) =>
        Assert.True(Lines.Contains(line), $"'{Name}' did not print the line '{line}'.{Describe()}");

    public void AssertLineStartingWith(string prefix) =>
        Assert.True(HasLineStartingWith(prefix), $"'{Name}' printed no line starting with '{prefix}'.{Describe()}");

    public void AssertNoLineStartingWith(string prefix) =>
        Assert.False(HasLineStartingWith(prefix), $"'{Name}' printed a line starting with '{prefix}'.{Describe()}");

    public void AssertNothingOnStandardError() =>
        Assert.True(Error.Length == 0, $"'{Name}' wrote to stderr.{Describe()}");

    /// <summary>Asserts what one line of the sample's summary says, e.g. <c>  delivered:      6</c>.</summary>
    public void AssertSummary(string label, string expected)
    {
        var prefix = "  " + label + ":";
        var values = Lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim()).ToList();
        Assert.True(values is [var value] && value == expected, $"'{Name}' summarised {label} as '{string.Join("', '", values)}', not '{expected}'.{Describe()}");
    }

    public string Describe() => $"{Environment.NewLine}Its output:{Environment.NewLine}{Output}";

    private bool HasLineStartingWith(string prefix) => Lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal));
}
