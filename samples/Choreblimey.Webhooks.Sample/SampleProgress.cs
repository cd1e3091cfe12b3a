namespace Choreblimey.Webhooks.Sample;

/// <summary>Watches the delivery log until every delivery of this run (and any recovered ones) has settled.</summary>
internal static class SampleProgress
{
    public static async Task<SampleSummary> WaitForSettleAsync(
        IWebhookStore store,
        IReadOnlyList<string> families,
        DateTimeOffset runStartedAt,
        IReadOnlyList<(string Family, string DeliveryId)> recovered,
        TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var lastPending = -1;
        while (true)
        {
            var summary = await SummarizeAsync(store, families, runStartedAt, recovered);
            if (summary.Pending != lastPending)
            {
                Console.WriteLine($"Delivered {summary.Succeeded}/{summary.Total}, pending {summary.Pending}, retried {summary.Retried}, dead-lettered {summary.DeadLettered}");
                lastPending = summary.Pending;
            }

            if (summary.Pending == 0 || DateTimeOffset.UtcNow > deadline)
            {
                return summary;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<SampleSummary> SummarizeAsync(
        IWebhookStore store,
        IReadOnlyList<string> families,
        DateTimeOffset runStartedAt,
        IReadOnlyList<(string Family, string DeliveryId)> recovered)
    {
        var deliveries = new Dictionary<string, (string Family, WebhookDelivery Delivery)>();
        foreach (var family in families)
        {
            string? token = null;
            do
            {
                var page = await store.QueryDeliveriesAsync(new WebhookDeliveryQuery
                {
                    TenantId = family,
                    CreatedFrom = runStartedAt,
                    Limit = WebhookDeliveryQuery.MaxLimit,
                    ContinuationToken = token,
                });
                foreach (var delivery in page.Items)
                {
                    deliveries[delivery.Id] = (family, delivery);
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        foreach (var (family, id) in recovered)
        {
            if (await store.GetDeliveryAsync(family, id) is { } delivery)
            {
                deliveries[id] = (family, delivery);
            }
        }

        return new SampleSummary([.. deliveries.Values]);
    }
}
