namespace Choreblimey.Webhooks.Storage.Tests.Crash;

/// <summary>The one subscription every crash test creates directly in the store before any harness process starts.</summary>
internal static class CrashSubscriptions
{
    public const string Tenant = "crash-tenant";

    public static WebhookSubscription Create(Uri url, WebhookSecret secret)
    {
        var now = DateTimeOffset.UtcNow;
        return new WebhookSubscription
        {
            Id = "sub_crash_" + Guid.NewGuid().ToString("N")[..12],
            TenantId = Tenant,
            Url = url,
            EventPatterns = ["crash:*"],
            Secrets = [new WebhookSigningSecret(secret)],
            Description = "crash test receiver",
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Reads every delivery of the crash tenant from <paramref name="store"/>.</summary>
    public static async Task<IReadOnlyList<WebhookDelivery>> AllDeliveriesAsync(IWebhookStore store)
    {
        var all = new List<WebhookDelivery>();
        string? token = null;
        do
        {
            var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = Tenant, Limit = WebhookDeliveryQuery.MaxLimit, ContinuationToken = token });
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return all;
    }
}
