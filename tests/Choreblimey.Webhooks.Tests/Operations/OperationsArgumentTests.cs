using Choreblimey.Webhooks.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>The operations API refuses arguments that could only be mistakes, with messages that name them.</summary>
public sealed class OperationsArgumentTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    private static ServiceProvider Build() => TestServices.Build(webhooks => webhooks.AddEvent("chore:created", "Chores"));

    public static TheoryData<string> InvalidTenants => [new string('t', WebhookConstants.MaxTenantIdLength + 1), "tenant a", "tenant\u0000a", "tenant-é"];

    [Theory]
    [MemberData(nameof(InvalidTenants))]
    public async Task Every_read_refuses_a_tenant_id_the_subscription_manager_refuses_with_the_same_message(string tenant)
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();
        var expected = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await services.GetRequiredService<IWebhookSubscriptionManager>().GetAsync(tenant, "sub_1"));

        async Task Refused(string paramName, Func<Task> read)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(read);
            Assert.Equal(paramName, error.ParamName);
            Assert.Equal(expected.Message.Replace("'tenantId'", $"'{paramName}'", StringComparison.Ordinal), error.Message);
        }

        await Refused("tenantId", async () => await operations.GetAsync(tenant, "dlv_1"));
        await Refused("query", async () => await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = tenant }));
        await Refused("query", async () => await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = tenant }));
        await Refused("tenantId", async () => await operations.GetUsageAsync(tenant, Noon, Noon.AddHours(1)));
        await Refused("tenantId", async () => await operations.GetCoverageAsync(tenant));
    }

    [Fact]
    public async Task A_query_without_a_tenant_is_refused_naming_the_default_tenant_to_give()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        var log = await Assert.ThrowsAsync<ArgumentException>(async () => await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = null! }));
        Assert.Equal("query", log.ParamName);
        Assert.Contains("WebhookDeliveryQuery.TenantId is null", log.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookTenants.Default", log.Message, StringComparison.Ordinal);

        var stats = await Assert.ThrowsAsync<ArgumentException>(async () => await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = null! }));
        Assert.Equal("query", stats.ParamName);
        Assert.Contains("WebhookStatsQuery.TenantId is null", stats.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_take_the_default_the_host_level_and_a_full_length_tenant()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        foreach (var tenant in new[] { WebhookTenants.Default, WebhookTenants.All, new string('t', WebhookConstants.MaxTenantIdLength) })
        {
            Assert.Null(await operations.GetAsync(tenant, "dlv_1"));
            Assert.Empty((await operations.QueryAsync(new WebhookDeliveryQuery { TenantId = tenant })).Items);
            Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = tenant })).Total);
            Assert.Equal(0, (await operations.GetUsageAsync(tenant, Noon, Noon.AddHours(1))).Deliveries);
            Assert.Equal(0, (await operations.GetCoverageAsync(tenant)).Published);
        }

        Assert.Null(await operations.GetAsync(null, "dlv_1"));
        Assert.Equal(0, (await operations.GetUsageAsync(null, Noon, Noon.AddHours(1))).Deliveries);
    }

    [Fact]
    public async Task Usage_over_a_window_that_ends_before_it_starts_is_refused_naming_both_bounds()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await operations.GetUsageAsync("tenant-a", Noon, Noon.AddHours(-1)));

        Assert.Equal("from", error.ParamName);
        Assert.Contains("from (2026-03-04T12:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);
        Assert.Contains("before (2026-03-04T11:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);

        // An empty window is not a mistake: it counts nothing.
        var empty = await operations.GetUsageAsync("tenant-a", Noon, Noon);
        Assert.Equal((0, 0, 0), (empty.EventsPublished, empty.Deliveries, empty.Attempts));
    }

    [Fact]
    public async Task Stats_over_a_window_that_ends_before_it_starts_are_refused_naming_both_bounds()
    {
        await using var services = Build();
        var operations = services.GetRequiredService<IWebhookOperations>();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon, Before = Noon.AddTicks(-1) }));

        Assert.Equal("query", error.ParamName);
        Assert.Contains("WebhookStatsQuery.From (2026-03-04T12:00:00.0000000+00:00)", error.Message, StringComparison.Ordinal);
        Assert.Contains("WebhookStatsQuery.Before (2026-03-04T11:59:59.9999999+00:00)", error.Message, StringComparison.Ordinal);

        // An open or empty window is not a mistake.
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon })).Total);
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", Before = Noon })).Total);
        Assert.Equal(0, (await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = "tenant-a", From = Noon, Before = Noon })).Total);
    }
}
