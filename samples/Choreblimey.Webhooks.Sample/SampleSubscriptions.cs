namespace Choreblimey.Webhooks.Sample;

/// <summary>Creates the sample's subscriptions once and points them at this run's receiver.</summary>
internal static class SampleSubscriptions
{
    private const string MarkerKey = "sample";

    public static async Task<WebhookSubscription> EnsureAsync(IWebhookSubscriptionManager manager, string family, string url, string? secret)
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

        // The built-in receiver listens on a new free port each run; keep the subscription (and its pending deliveries) and
        // move it there. Everything goes through the manager, so the new URL is validated as any host's would be.
        var id = existing.Id;
        var updated = await manager.UpdateAsync(family, id, new WebhookSubscriptionUpdate { Url = url }) ?? throw Vanished(family, id);
        if (secret is not null && !updated.Secrets.Any(s => s.Secret.Equals(WebhookSecret.Parse(secret))))
        {
            // A zero window retires the old secrets at once: this run's receiver trusts only the one given.
            updated = await manager.RotateSecretAsync(family, id, secret, TimeSpan.Zero) ?? throw Vanished(family, id);
        }

        if (updated.State != WebhookSubscriptionState.Active)
        {
            updated = await manager.ResumeAsync(family, id) ?? throw Vanished(family, id);
        }

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

    private static InvalidOperationException Vanished(string family, string id) =>
        new($"The sample's subscription {id} of {family} was deleted while the sample was updating it.");
}
