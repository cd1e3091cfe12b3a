using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>
/// Configured endpoints of different tenants: stores key subscriptions by id alone, so the configured ids must differ per
/// tenant. One in-memory store shared by several host starts stands in for a durable store.
/// </summary>
public sealed class ConfiguredEndpointTenantTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Task<WebhookTestHost> StartHostAsync(InMemoryWebhookStore store, Action<IWebhooksBuilder> configure) =>
        WebhookTestHost.StartAsync(webhooks =>
        {
            webhooks.AddEvent("chore:created", "Chores").UseStore(_ => store);
            configure(webhooks);
        });

    [Fact]
    public async Task Endpoints_with_one_name_in_two_tenants_are_two_subscriptions()
    {
        var store = new InMemoryWebhookStore();
        var section = Configuration(new()
        {
            ["Webhooks:Endpoints:0:Name"] = "crm",
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/a").ToString(),
            ["Webhooks:Endpoints:0:TenantId"] = "t-a",
            ["Webhooks:Endpoints:1:Name"] = "crm",
            ["Webhooks:Endpoints:1:Url"] = _receiver.Url("/b").ToString(),
            ["Webhooks:Endpoints:1:TenantId"] = "t-b",
            ["Webhooks:Endpoints:2:Name"] = "crm",
            ["Webhooks:Endpoints:2:Url"] = _receiver.Url("/all").ToString(),
        }).GetSection("Webhooks");

        await using var host = await StartHostAsync(store, w => w.AddEndpointsFromConfiguration(section));

        Assert.Equal("/a", (await host.Subscriptions.GetAsync("t-a", "sub_cfg_t-a__crm"))!.Url.AbsolutePath);
        Assert.Equal("/b", (await host.Subscriptions.GetAsync("t-b", "sub_cfg_t-b__crm"))!.Url.AbsolutePath);
        // The host-level endpoint keeps the id it always had.
        Assert.Equal("/all", (await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_crm"))!.Url.AbsolutePath);
        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: "t-b");
        Assert.Equal(2, receipt.DeliveryCount);
    }

    [Fact]
    public async Task Setting_WEBHOOK_TENANT_ID_on_a_restart_starts_every_time()
    {
        var store = new InMemoryWebhookStore();
        var url = _receiver.Url("/x").ToString();
        await using (await StartHostAsync(store, w => w.AddEnvironmentConventions(Configuration(new() { ["WEBHOOK_URL"] = url }))))
        {
        }

        var scoped = Configuration(new() { ["WEBHOOK_URL"] = url, ["WEBHOOK_TENANT_ID"] = "family-1" });
        for (var start = 0; start < 2; start++)
        {
            await using var host = await StartHostAsync(store, w => w.AddEnvironmentConventions(scoped));
            Assert.NotNull(await host.Subscriptions.GetAsync("family-1", "sub_cfg_family-1__env"));
        }
    }

    [Fact]
    public async Task Destination_maps_of_two_tenants_may_route_one_pattern()
    {
        var store = new InMemoryWebhookStore();
        var configuration = Configuration(new() { ["A_URL"] = _receiver.Url("/a").ToString(), ["B_URL"] = _receiver.Url("/b").ToString() });

        await using var host = await StartHostAsync(store, w => w
            .MapDestinations(configuration, map => { map.TenantId = "t-a"; map.Route("chore:created", "A_URL"); })
            .MapDestinations(configuration, map => { map.TenantId = "t-b"; map.Route("chore:created", "B_URL"); }));

        Assert.NotNull(await host.Subscriptions.GetAsync("t-a", "sub_cfg_t-a__route_chore_created"));
        Assert.NotNull(await host.Subscriptions.GetAsync("t-b", "sub_cfg_t-b__route_chore_created"));
    }

    [Fact]
    public async Task Tenants_whose_ids_read_alike_are_refused_before_anything_is_stored()
    {
        var store = new InMemoryWebhookStore();
        var section = Configuration(new()
        {
            ["Webhooks:Endpoints:0:Name"] = "crm",
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/a").ToString(),
            ["Webhooks:Endpoints:0:TenantId"] = "a.b",
            ["Webhooks:Endpoints:1:Name"] = "crm",
            ["Webhooks:Endpoints:1:Url"] = _receiver.Url("/b").ToString(),
            ["Webhooks:Endpoints:1:TenantId"] = "a_b",
        }).GetSection("Webhooks");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartHostAsync(store, w => w.AddEndpointsFromConfiguration(section)));

        Assert.Contains("'sub_cfg_a_b__crm'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'a.b'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'a_b'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Endpoints:1", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetTenantSubscriptionsAsync("a.b"));
    }

    [Fact]
    public async Task An_id_held_by_another_tenant_fails_start_naming_the_id_both_tenants_and_the_key()
    {
        var store = new InMemoryWebhookStore();
        // An earlier deployment's tenant endpoint, stored under the id the host-level endpoint now wants.
        var first = Configuration(new()
        {
            ["Webhooks:Endpoints:0:Name"] = "crm",
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/old").ToString(),
        }).GetSection("Webhooks");
        await using (var host = await StartHostAsync(store, w => w.AddEndpointsFromConfiguration(first)))
        {
            var stored = (await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_crm"))!;
            await store.DeleteSubscriptionAsync(WebhookTenants.All, stored.Id);
            await store.CreateSubscriptionAsync(stored with { TenantId = "family-9" });
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartHostAsync(store, w => w.AddEndpointsFromConfiguration(first)));

        Assert.Contains("'sub_cfg_crm'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'*'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Endpoints:0", exception.Message, StringComparison.Ordinal);
        Assert.Contains("another tenant", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_tenant_id_fails_start_as_an_invalid_argument_not_as_a_taken_id()
    {
        var section = Configuration(new()
        {
            ["Webhooks:Endpoints:0:Name"] = "crm",
            ["Webhooks:Endpoints:0:Url"] = _receiver.Url("/a").ToString(),
            ["Webhooks:Endpoints:0:TenantId"] = "family 1",
        }).GetSection("Webhooks");

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await StartHostAsync(new InMemoryWebhookStore(), w => w.AddEndpointsFromConfiguration(section)));

        Assert.Contains("printable ASCII", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:Endpoints:0", exception.Message, StringComparison.Ordinal);
    }
}
