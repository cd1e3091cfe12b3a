using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Configuration;

/// <summary>Static endpoints from the <c>Webhooks</c> configuration section, stored with stable ids before the worker runs.</summary>
public sealed class ConfiguredEndpointsTests : IAsyncLifetime
{
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Webhooks");

    private static Task<WebhookTestHost> StartHostAsync(IConfiguration section, InMemoryWebhookStore store) =>
        WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .AddEvent("item.low_stock", "Inventory")
            .UseStore(_ => store)
            .AddEndpointsFromConfiguration(section));

    private Dictionary<string, string?> TwoEndpoints(string crmPath = "/crm") => new()
    {
        ["Webhooks:Endpoints:0:Name"] = "crm",
        ["Webhooks:Endpoints:0:Url"] = _receiver.Url(crmPath).ToString(),
        ["Webhooks:Endpoints:0:EventTypes:0"] = "chore:*",
        ["Webhooks:Endpoints:0:TenantId"] = "family-1",
        ["Webhooks:Endpoints:0:Headers:X-Api-Key"] = "k-123",
        ["Webhooks:Endpoints:0:SignatureProfile"] = "github",
        ["Webhooks:Endpoints:0:Secret"] = "a-configured-secret-with-enough-bytes",
        ["Webhooks:Endpoints:1:Url"] = _receiver.Url("/stock").ToString(),
        ["Webhooks:Endpoints:1:EventTypes"] = "item.low_stock, chore:created",
        ["Webhooks:Endpoints:1:Envelope"] = "make",
        ["Webhooks:Endpoints:1:Filters:0:Attribute"] = "stock",
        ["Webhooks:Endpoints:1:Filters:0:Operator"] = "LessThanOrEqual",
        ["Webhooks:Endpoints:1:Filters:0:Values:0"] = "5",
    };

    [Fact]
    public async Task Endpoints_are_stored_with_stable_ids_and_receive_deliveries()
    {
        var store = new InMemoryWebhookStore();
        await using var host = await StartHostAsync(Section(TwoEndpoints()), store);

        var crm = await host.Subscriptions.GetAsync("family-1", "sub_cfg_family-1__crm");
        var stock = await host.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_1");
        Assert.NotNull(crm);
        Assert.NotNull(stock);
        Assert.Equal(["item.low_stock", "chore:created"], stock.EventPatterns);
        Assert.Equal("github", crm.SignatureProfile);

        await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: "family-1");
        await host.Publisher.PublishAsync("item.low_stock", new { Sku = "milk" }, new WebhookPublishOptions { Attributes = new Dictionary<string, string> { ["stock"] = "2" } });
        var plentiful = await host.Publisher.PublishAsync("item.low_stock", new { Sku = "tea" }, new WebhookPublishOptions { Attributes = new Dictionary<string, string> { ["stock"] = "50" } });

        // The stock filter routed the plentiful item nowhere, so it can never be sent.
        Assert.Equal(0, plentiful.DeliveryCount);
        await _receiver.WaitForCountAsync(2);
        Assert.Equal(2, _receiver.Received.Count);
        var toCrm = _receiver.Received.Single(r => r.Path == "/crm");
        Assert.Equal("k-123", toCrm.Header("X-Api-Key"));
        Assert.StartsWith("sha256=", toCrm.Header("X-Hub-Signature-256"), StringComparison.Ordinal);
        Assert.Contains("\"sent_at\"", _receiver.Received.Single(r => r.Path == "/stock").BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restarts_and_other_instances_update_the_same_subscriptions()
    {
        var store = new InMemoryWebhookStore();
        WebhookSubscription firstStock;
        await using (var first = await StartHostAsync(Section(TwoEndpoints()), store))
        {
            firstStock = (await first.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_1"))!;
        }

        var version = await store.GetSubscriptionVersionAsync();
        await using (var same = await StartHostAsync(Section(TwoEndpoints()), store))
        {
            Assert.Equal(version, await store.GetSubscriptionVersionAsync());
        }

        await using var changed = await StartHostAsync(Section(TwoEndpoints("/crm-v2")), store);
        var crm = await changed.Subscriptions.GetAsync("family-1", "sub_cfg_family-1__crm");
        Assert.Equal("/crm-v2", crm!.Url.AbsolutePath);
        Assert.Single((await changed.Subscriptions.ListAsync("family-1")).Items);
        var stock = await changed.Subscriptions.GetAsync(WebhookTenants.All, "sub_cfg_1");
        Assert.Equal(firstStock.Secrets, stock!.Secrets);
        Assert.Single((await changed.Subscriptions.ListAsync(WebhookTenants.All)).Items);
    }

    [Fact]
    public async Task An_invalid_endpoint_fails_start_naming_it()
    {
        var values = TwoEndpoints();
        values["Webhooks:Endpoints:0:EventTypes:0"] = "chore:craeted";
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartHostAsync(Section(values), new InMemoryWebhookStore()));
        Assert.Contains("sub_cfg_family-1__crm", exception.Message, StringComparison.Ordinal);
        Assert.Contains("chore:created", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_whose_url_holds_a_blocked_address_fails_start_naming_it()
    {
        var values = TwoEndpoints();
        values["Webhooks:Endpoints:0:Url"] = "https://10.0.0.5/crm";

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartHostAsync(Section(values), new InMemoryWebhookStore()));

        Assert.StartsWith("The configured webhook endpoint ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("('sub_cfg_family-1__crm') is invalid (Url): The webhook URL's address 10.0.0.5 (private network 10.0.0.0/8) is refused by the address guard", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_whose_wildcard_matches_no_declared_event_fails_start_naming_the_family()
    {
        var values = TwoEndpoints();
        values["Webhooks:Endpoints:0:EventTypes:0"] = "chores:*";
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await StartHostAsync(Section(values), new InMemoryWebhookStore()));
        Assert.Contains("sub_cfg_family-1__crm", exception.Message, StringComparison.Ordinal);
        Assert.Contains("The pattern 'chores:*' matches no declared event. Closest declared family: 'chore:*'.", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chore:craeted", "chore:created")]
    [InlineData("chores:*", "Closest declared family: 'chore:*'.")]
    public async Task A_destination_route_without_a_url_still_has_its_event_checked_at_start(string pattern, string hint)
    {
        // 4AS leaves most MAKE_* variables unset in development: a misspelt route must not wait for the environment that sets it.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MAKE_CHORES_URL"] = null }).Build();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .MapDestinations(configuration, map => map.Route(pattern, "MAKE_CHORES_URL"))));

        Assert.StartsWith($"The configured webhook endpoint the destination route {pattern} (MAKE_CHORES_URL) is invalid (EventTypes): ", exception.Message, StringComparison.Ordinal);
        Assert.Contains(hint, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_route_without_a_url_for_a_declared_event_starts()
    {
        var configuration = new ConfigurationBuilder().Build();

        await using var host = await WebhookTestHost.StartAsync(webhooks => webhooks
            .AddEvent("chore:created", "Chores")
            .MapDestinations(configuration, map => map.Route("chore:created", "MAKE_CHORES_URL")));

        var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" });
        Assert.Equal(WebhookPublishStatus.Published, receipt.Status);
        Assert.Equal(0, receipt.DeliveryCount);
    }
}
