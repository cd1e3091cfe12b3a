using Choreblimey.Webhooks.Testing.Support;
using Choreblimey.Webhooks.Tests.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// A configured endpoint that the configuration no longer declares is removed at start. One in-memory store shared by
/// several host starts stands in for a durable store.
/// </summary>
public sealed class ConfiguredEndpointRemovalTests : IAsyncLifetime, IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public void Dispose() => _logs.Dispose();

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private Task<WebhookTestHost> StartHostAsync(InMemoryWebhookStore store, Action<IWebhooksBuilder> configure) =>
        WebhookTestHost.StartAsync(
            webhooks =>
            {
                webhooks.AddEvent("chore:created", "Chores").UseStore(_ => store);
                configure(webhooks);
            },
            services => services.AddLogging(l => l.AddProvider(_logs)));

    private Task<WebhookTestHost> StartWithEnvironmentAsync(InMemoryWebhookStore store, Dictionary<string, string?> environment) =>
        StartHostAsync(store, w => w.AddEnvironmentConventions(Configuration(environment)));

    private Task<WebhookTestHost> StartWithEndpointsAsync(InMemoryWebhookStore store, Dictionary<string, string?> endpoints) =>
        StartHostAsync(store, w => w.AddEndpointsFromConfiguration(Configuration(endpoints).GetSection("Webhooks")));

    private IEnumerable<string> RemovalWarnings => _logs.Entries.Where(e => e.StartsWith("Warning ", StringComparison.Ordinal) && e.Contains("[106]", StringComparison.Ordinal));

    [Fact]
    public async Task Unsetting_WEBHOOK_URL_removes_its_endpoint_so_nothing_is_sent_to_it()
    {
        var store = new InMemoryWebhookStore();
        await using (await StartWithEnvironmentAsync(store, new() { ["WEBHOOK_URL"] = _receiver.Url("/old").ToString() }))
        {
        }

        await using var host = await StartWithEnvironmentAsync(store, []);

        Assert.Null(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_env"));
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: "family-1");
        Assert.Equal(0, receipt.DeliveryCount);
        var warning = Assert.Single(RemovalWarnings);
        Assert.Contains("sub_cfg_env", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_WEBHOOK_TENANT_ID_removes_the_host_level_endpoint()
    {
        var store = new InMemoryWebhookStore();
        var url = _receiver.Url("/x").ToString();
        await using (await StartWithEnvironmentAsync(store, new() { ["WEBHOOK_URL"] = url }))
        {
        }

        await using var host = await StartWithEnvironmentAsync(store, new() { ["WEBHOOK_URL"] = url, ["WEBHOOK_TENANT_ID"] = "family-1" });

        Assert.Null(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_env"));
        Assert.Equal(0, (await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: "family-2")).DeliveryCount);
        Assert.Equal(1, (await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c2" }, tenantId: "family-1")).DeliveryCount);
    }

    [Fact]
    public async Task A_shorter_endpoint_list_removes_the_entries_past_its_end_and_leaves_other_subscriptions()
    {
        var store = new InMemoryWebhookStore();
        var two = new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/a").ToString(),
            ["Webhooks:Endpoints:1:Url"] = _receiver.Url("/b").ToString(),
            ["Webhooks:Endpoints:2:Name"] = "crm",
            ["Webhooks:Endpoints:2:TenantId"] = "family-1",
            ["Webhooks:Endpoints:2:Url"] = _receiver.Url("/crm").ToString(),
        };
        string ownId;
        await using (var first = await StartWithEndpointsAsync(store, two))
        {
            ownId = (await first.Subscriptions.CreateAsync("family-1", new WebhookSubscriptionRequest { Url = _receiver.Url("/own").ToString(), EventTypes = ["*"] })).Id;
        }

        two.Remove("Webhooks:Endpoints:1:Url");
        two.Remove("Webhooks:Endpoints:2:Name");
        two.Remove("Webhooks:Endpoints:2:TenantId");
        two.Remove("Webhooks:Endpoints:2:Url");
        await using var host = await StartWithEndpointsAsync(store, two);

        Assert.NotNull(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_0"));
        Assert.Null(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_1"));
        // family-1 is no longer named by the configuration: its endpoint is beyond what start can see (documented).
        Assert.NotNull(await host.Subscriptions.GetAsync("family-1", "sub_cfg_family-1__crm"));
        Assert.NotNull(await host.Subscriptions.GetAsync("family-1", ownId));
        Assert.Single(RemovalWarnings);
    }

    [Fact]
    public async Task A_tenant_endpoint_stored_under_the_id_of_an_earlier_version_is_replaced()
    {
        var store = new InMemoryWebhookStore();
        var config = new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Name"] = "crm",
            ["Webhooks:Endpoints:0:TenantId"] = "family-1",
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/crm").ToString(),
            ["Webhooks:Endpoints:1:Name"] = "stock",
            ["Webhooks:Endpoints:1:Url"] = _receiver.Url("/stock").ToString(),
        };
        // Earlier versions stored a tenant's endpoint as sub_cfg_<name>, the id the host-level endpoint may want now.
        await using (var first = await StartWithEndpointsAsync(store, config))
        {
            var crm = (await first.Subscriptions.GetAsync("family-1", "sub_cfg_family-1__crm"))!;
            await store.CreateSubscriptionAsync(crm with { Id = "sub_cfg_crm" });
        }

        config["Webhooks:Endpoints:1:Name"] = "crm";
        config["Webhooks:Endpoints:0:Name"] = "crm-v2";
        await using var host = await StartWithEndpointsAsync(store, config);

        Assert.Equal(["sub_cfg_family-1__crm-v2"], (await store.GetTenantSubscriptionsAsync("family-1")).Select(s => s.Id));
        Assert.Equal("/stock", (await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_crm"))!.Url.AbsolutePath);
        Assert.Null(await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_stock"));
        Assert.Equal(3, RemovalWarnings.Count());
    }
}
