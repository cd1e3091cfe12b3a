using Choreblimey.Webhooks;
using Choreblimey.Webhooks.ContractTool;
using Microsoft.Extensions.DependencyInjection;

string? host = null;
var output = "contract";
var profileName = WebhookSignatureProfile.StandardName;
var envelope = WebhookEnvelopeFormats.Default;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--host" when i + 1 < args.Length:
            host = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case "--profile" when i + 1 < args.Length:
            profileName = args[++i];
            break;
        case "--envelope" when i + 1 < args.Length:
            envelope = args[++i];
            break;
        case "-h" or "--help":
            Console.WriteLine(UsageLine());
            return 0;
        default:
            return Usage($"Unknown argument '{args[i]}'.");
    }
}

if (host is null || !HostCatalogs.All.TryGetValue(host, out var catalog))
{
    return Usage(host is null ? "--host is required." : $"Unknown host '{host}'.");
}

var services = new ServiceCollection();
catalog.Add(services.AddWebhooks());
await using var provider = services.BuildServiceProvider();
var profile = WebhookSignatureProfile.BuiltIn.FirstOrDefault(p => p.Name == profileName);
if (profile is null)
{
    return Usage($"Unknown signature profile '{profileName}'.");
}

if (envelope is not (WebhookEnvelopeFormats.Default or WebhookEnvelopeFormats.Make))
{
    return Usage($"Unknown envelope '{envelope}'.");
}

var contract = provider.GetRequiredService<WebhookContractExporter>().Export(catalog.Title, profile, envelope);

Directory.CreateDirectory(output);
var name = host.ToLowerInvariant();
var jsonPath = Path.Combine(output, $"{name}.webhooks.json");
var markdownPath = Path.Combine(output, $"{name}.webhooks.md");
await File.WriteAllTextAsync(jsonPath, contract.ToJson());
await File.WriteAllTextAsync(markdownPath, contract.ToMarkdown());
Console.WriteLine($"{catalog.Title}: {contract.Events.Count} events -> {jsonPath}, {markdownPath}");
return 0;

static int Usage(string error)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(UsageLine());
    return 2;
}

static string UsageLine() =>
    $"Usage: --host <{string.Join('|', HostCatalogs.All.Keys)}> [--out <directory>] [--profile <{string.Join('|', WebhookSignatureProfile.BuiltIn.Select(p => p.Name))}>] [--envelope <default|make>]";
