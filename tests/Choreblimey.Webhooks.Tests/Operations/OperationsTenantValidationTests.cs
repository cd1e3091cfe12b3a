using Choreblimey.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>Retry, recover, enable and test sends refuse a tenant id the subscription manager would refuse, instead of answering "nothing found".</summary>
public sealed class OperationsTenantValidationTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = RoutingServices.Create();

    private IWebhookOperations Operations => _services.GetRequiredService<IWebhookOperations>();

    public static TheoryData<string> InvalidTenantIds => ["tenant a", "tenant-a\n", "tenänt", new string('t', 129)];

    [Theory]
    [MemberData(nameof(InvalidTenantIds))]
    public async Task RetryAsync_refuses_an_invalid_tenant_id_naming_the_parameter(string tenantId)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await Operations.RetryAsync(tenantId, "dlv_1"));

        Assert.Equal("tenantId", exception.ParamName);
        Assert.Contains("tenant id", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidTenantIds))]
    public async Task RecoverAsync_refuses_an_invalid_tenant_id_naming_the_parameter(string tenantId)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await Operations.RecoverAsync(tenantId, "sub_1", since: null));

        Assert.Equal("tenantId", exception.ParamName);
        Assert.Contains("tenant id", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidTenantIds))]
    public async Task EnableSubscriptionAsync_refuses_an_invalid_tenant_id_naming_the_parameter(string tenantId)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await Operations.EnableSubscriptionAsync(tenantId, "sub_1"));

        Assert.Equal("tenantId", exception.ParamName);
        Assert.Contains("tenant id", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidTenantIds))]
    public async Task SendTestAsync_refuses_an_invalid_tenant_id_naming_the_parameter(string tenantId)
    {
        // Not the "has no webhook subscription" InvalidOperationException an unknown subscription of a valid tenant gets.
        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await Operations.SendTestAsync(tenantId, "sub_1"));

        Assert.Equal("tenantId", exception.ParamName);
        Assert.Contains("tenant id", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_tenant_a_tenant_at_the_length_limit_and_the_host_level_tenant_are_accepted()
    {
        Assert.False(await Operations.RetryAsync(null, "dlv_1"));
        Assert.False(await Operations.RetryAsync(new string('t', 128), "dlv_1"));
        Assert.Equal(0, await Operations.RecoverAsync(null, "sub_1", since: null));
        Assert.Equal(0, await Operations.RecoverAsync(WebhookTenants.All, "sub_1", since: null));
        Assert.False(await Operations.EnableSubscriptionAsync(null, "sub_1"));
        Assert.False(await Operations.EnableSubscriptionAsync(WebhookTenants.All, "sub_1"));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Operations.SendTestAsync(new string('t', 128), "sub_1"));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
