namespace Choreblimey.Webhooks.Catalogs.ChoreblimeyApp;

/// <summary>The payload of <c>affiliate:config-updated</c>. The affiliate configuration changed.</summary>
public sealed record AffiliateConfigUpdated(
    string Provider,
    bool IsEnabled,
    IReadOnlyList<string> ChangedFields);
