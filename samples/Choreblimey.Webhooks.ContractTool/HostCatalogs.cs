using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.ContractTool;

/// <summary>The catalogs the tool knows, by the name given to <c>--host</c>.</summary>
internal static class HostCatalogs
{
    public static readonly IReadOnlyDictionary<string, (string Title, Func<IWebhooksBuilder, IWebhooksBuilder> Add)> All =
        new Dictionary<string, (string, Func<IWebhooksBuilder, IWebhooksBuilder>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["choreblimey"] = (ChoreblimeyCatalog.Title, b => b.AddChoreblimeyCatalog()),
            ["jossiedb"] = (JossiedbCatalog.Title, b => b.AddJossiedbCatalog()),
            ["fouras"] = (FourAsCatalog.Title, b => b.AddFourAsCatalog()),
            ["dotmac"] = (DotMacCatalog.Title, b => b.AddDotMacCatalog()),
            ["whatscrm"] = (WhatsCrmCatalog.Title, b => b.AddWhatsCrmCatalog()),
        };
}
