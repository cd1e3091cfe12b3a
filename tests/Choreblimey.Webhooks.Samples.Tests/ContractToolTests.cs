using System.Text.Json;

namespace Choreblimey.Webhooks.Samples.Tests;

/// <summary>
/// samples/Choreblimey.Webhooks.ContractTool run as the README runs it: each host's partner contract (JSON and Markdown)
/// is written with every declared event, and with the host's own signature header or envelope when asked.
/// </summary>
public sealed class ContractToolTests : IDisposable
{
    private readonly SampleDirectory _directory = new();

    [Theory]
    [InlineData("choreblimey", 24)]
    [InlineData("jossiedb", 11)]
    [InlineData("fouras", 20)]
    [InlineData("dotmac", 47)]
    [InlineData("whatscrm", 22)]
    public async Task Each_hosts_contract_is_written_with_every_declared_event(string host, int events)
    {
        var run = await SampleApp.ContractTool.RunAsync(_directory, "--host", host, "--out", _directory.File("contract"));

        run.AssertExitCode(0);
        run.AssertNothingOnStandardError();
        var json = _directory.File($"contract/{host}.webhooks.json");
        var markdown = _directory.File($"contract/{host}.webhooks.md");
        Assert.Contains($": {events} events -> {json}, {markdown}", run.Output, StringComparison.Ordinal);
        using var contract = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(events, contract.RootElement.GetProperty("events").GetArrayLength());
        Assert.All(contract.RootElement.GetProperty("events").EnumerateArray(), e => Assert.Equal(JsonValueKind.Object, e.GetProperty("payloadSchema").ValueKind));
        Assert.Contains("webhook-signature", await File.ReadAllTextAsync(markdown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hosts_own_signature_header_and_envelope_are_described_when_asked()
    {
        var choreblimey = await SampleApp.ContractTool.RunAsync(_directory, "--host", "choreblimey", "--out", _directory.File("c"), "--profile", "choreblimey");
        var fouras = await SampleApp.ContractTool.RunAsync(_directory, "--host", "fouras", "--out", _directory.File("f"), "--envelope", "make");

        choreblimey.AssertExitCode(0);
        fouras.AssertExitCode(0);
        using var signed = JsonDocument.Parse(await File.ReadAllTextAsync(_directory.File("c/choreblimey.webhooks.json")));
        Assert.Contains(signed.RootElement.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "X-Choreblimey-Signature");
        using var make = JsonDocument.Parse(await File.ReadAllTextAsync(_directory.File("f/fouras.webhooks.json")));
        Assert.Equal("make", make.RootElement.GetProperty("envelope").GetString());
    }

    [Theory]
    [InlineData("--host", "acme")]
    [InlineData("--host", "choreblimey", "--profile", "nope")]
    [InlineData("--bogus")]
    public async Task Bad_arguments_exit_2_with_the_usage_and_write_nothing(params string[] arguments)
    {
        var run = await SampleApp.ContractTool.RunAsync(_directory, arguments);

        run.AssertExitCode(2);
        Assert.Contains("Usage: --host <choreblimey|jossiedb|fouras|dotmac|whatscrm>", run.Error, StringComparison.Ordinal);
        Assert.Empty(_directory.AllFiles());
    }

    public void Dispose() => _directory.Dispose();
}
