namespace Choreblimey.Webhooks.Testing.Support;

/// <summary>Reads what a store holds, page after page, for assertions.</summary>
public static class StoreReading
{
    /// <summary>Reads every delivery of <paramref name="tenantId"/> from <paramref name="store"/>.</summary>
    public static async Task<IReadOnlyList<WebhookDelivery>> AllDeliveriesAsync(IWebhookStore store, string tenantId)
    {
        var all = new List<WebhookDelivery>();
        string? token = null;
        do
        {
            var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery { TenantId = tenantId, Limit = WebhookDeliveryQuery.MaxLimit, ContinuationToken = token });
            all.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return all;
    }
}
