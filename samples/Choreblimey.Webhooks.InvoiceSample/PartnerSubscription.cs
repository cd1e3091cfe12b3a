namespace Choreblimey.Webhooks.InvoiceSample;

/// <summary>
/// The partner's one subscription, created on the first run and reused by every later run against the same database: the
/// built-in receiver listens on a new port each run, so the subscription is moved there instead of a new one being added
/// (which would leave one pointing at a dead port per run).
/// </summary>
internal static class PartnerSubscription
{
    private const string MarkerKey = "sample";
    private const string MarkerValue = "invoice-sample";

    public static async Task<WebhookSubscription> EnsureAsync(IWebhookSubscriptionManager manager, string tenant, Uri url, CancellationToken cancellationToken)
    {
        WebhookSubscription? existing = null;
        string? token = null;
        do
        {
            var page = await manager.ListAsync(tenant, new WebhookSubscriptionQuery { ContinuationToken = token, Limit = WebhookSubscriptionQuery.MaxLimit }, cancellationToken);
            existing = page.Items.FirstOrDefault(s => s.Metadata?.GetValueOrDefault(MarkerKey) == MarkerValue);
            token = page.ContinuationToken;
        }
        while (existing is null && token is not null);

        if (existing is null)
        {
            return await manager.CreateAsync(
                tenant,
                new WebhookSubscriptionRequest
                {
                    Url = url.ToString(),
                    EventTypes = ["invoice.*"],
                    Description = "Invoice sample partner receiver",
                    Metadata = new Dictionary<string, string> { [MarkerKey] = MarkerValue },
                },
                cancellationToken);
        }

        // Through the manager, so the new URL is validated as any subscription change is.
        var updated = await manager.UpdateAsync(tenant, existing.Id, new WebhookSubscriptionUpdate { Url = url.ToString(), EventTypes = ["invoice.*"] }, cancellationToken)
            ?? throw new InvalidOperationException($"The invoice sample's subscription {existing.Id} was deleted while it was being updated.");
        return updated.State == WebhookSubscriptionState.Active
            ? updated
            : await manager.ResumeAsync(tenant, existing.Id, cancellationToken)
                ?? throw new InvalidOperationException($"The invoice sample's subscription {existing.Id} was deleted while it was being resumed.");
    }
}
