using Choreblimey.Webhooks.Tests.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Tests.Operations;

/// <summary>Retry, recover, enable and test sends refuse a tenant id the subscription manager would refuse, instead of answering "nothing found".</summary>
public sealed class OperationsTenantValidationTests : IAsyncDisposable
{
    private readonly ServiceProvider _services = RoutingServices.Create();

    private IWebhookOperations Operations => _services.GetRequiredService<IWebhookOperations>();

    public static TheoryData<string, string> CallsWithInvalidTenantIds()
    {
        var data = new TheoryData<string, string>();
        foreach (var call in new[] { "RetryAsync", "RecoverAsync", "EnableSubscriptionAsync", "SendTestAsync" })
        {
            foreach (var tenantId in new[] { "tenant a", "tenant-a\n", "tenänt", new string('t', 129) })
            {
                data.Add(call, tenantId);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CallsWithInvalidTenantIds))]
    public async Task An_invalid_tenant_id_is_refused_naming_the_parameter(string call, string tenantId)
    {
        // Not "nothing found" (false, 0) nor, for a test send, the "has no webhook subscription" error of a valid tenant.
        Func<Task> act = call switch
        {
            "RetryAsync" => async () => await Operations.RetryAsync(tenantId, "dlv_1"),
            "RecoverAsync" => async () => await Operations.RecoverAsync(tenantId, "sub_1", since: null),
            "EnableSubscriptionAsync" => async () => await Operations.EnableSubscriptionAsync(tenantId, "sub_1"),
            _ => async () => await Operations.SendTestAsync(tenantId, "sub_1"),
        };

        var exception = await Assert.ThrowsAsync<ArgumentException>(act);

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
        await Assert.ThrowsAsync<WebhookOperationException>(async () => await Operations.SendTestAsync(new string('t', 128), "sub_1"));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
