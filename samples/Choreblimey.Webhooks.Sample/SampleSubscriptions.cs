namespace Choreblimey.Webhooks.Sample;

/// <summary>Creates the sample's subscriptions once and points them at this run's receiver.</summary>
internal static class SampleSubscriptions
{
    private const string MarkerKey = "sample";

    public static async Task<WebhookSubscription> EnsureAsync(IWebhookSubscriptionManager manager, IWebhookStore store, string family, string url, string? secret)
    {
        var page = await manager.ListAsync(family);
        var existing = page.Items.FirstOrDefault(s => s.Metadata?.GetValueOrDefault(MarkerKey) == "choreblimey");
        if (existing is null)
        {
            return await manager.CreateAsync(family, new WebhookSubscriptionRequest
            {
                Url = url,
                EventTypes = ["*"],
                Secret = secret,
                Description = $"Choreblimey sample receiver for {family}",
                Metadata = new Dictionary<string, string> { [MarkerKey] = "choreblimey" },
            });
        }

        // The built-in receiver listens on a new free port each run; keep the subscription (and its pending deliveries) and move it there.
        var updated = existing with
        {
            Url = new Uri(url),
            Secrets = secret is null ? existing.Secrets : [new WebhookSigningSecret(WebhookSecret.Parse(secret))],
            State = WebhookSubscriptionState.Active,
            UpdatedAt = TimeProvider.System.GetUtcNow(),
        };
        await store.UpdateSubscriptionAsync(updated);
        return updated;
    }

    public static async Task<IReadOnlyList<(string Family, string DeliveryId)>> PendingDeliveryIdsAsync(IWebhookStore store, IEnumerable<string> families)
    {
        var pending = new List<(string, string)>();
        foreach (var family in families)
        {
            string? token = null;
            do
            {
                var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery
                {
                    TenantId = family,
                    Status = WebhookDeliveryStatus.Pending,
                    Limit = WebhookDeliveryQuery.MaxLimit,
                    ContinuationToken = token,
                });
                pending.AddRange(page.Items.Select(d => (family, d.Id)));
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        return pending;
    }
}
