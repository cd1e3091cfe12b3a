using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>The five catalogs with their expected events, for theories over every host.</summary>
internal static class Catalogs
{
    public static readonly IReadOnlyDictionary<string, (string Title, Action<IWebhooksBuilder> Add, (string Name, string Category)[] Events)> All =
        new Dictionary<string, (string, Action<IWebhooksBuilder>, (string, string)[])>
        {
            ["choreblimey"] = (ChoreblimeyCatalog.Title, b => b.AddChoreblimeyCatalog(), HostData.ChoreblimeyEvents),
            ["jossiedb"] = (JossiedbCatalog.Title, b => b.AddJossiedbCatalog(), HostData.JossiedbEvents),
            ["fouras"] = (FourAsCatalog.Title, b => b.AddFourAsCatalog(), HostData.FourAsEvents),
            ["dotmac"] = (DotMacCatalog.Title, b => b.AddDotMacCatalog(), HostData.DotMacEvents),
            ["whatscrm"] = (WhatsCrmCatalog.Title, b => b.AddWhatsCrmCatalog(), HostData.WhatsCrmEvents),
        };

    public static TheoryData<string> Hosts() => [.. All.Keys];

    public static IWebhookEventRegistry Registry(string host, out WebhookContractExporter exporter)
    {
        var services = new ServiceCollection();
        All[host].Add(services.AddWebhooks());
        var provider = services.BuildServiceProvider();
        exporter = provider.GetRequiredService<WebhookContractExporter>();
        return provider.GetRequiredService<IWebhookEventRegistry>();
    }
}
