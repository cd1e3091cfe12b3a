namespace Choreblimey.Webhooks.Sample;

/// <summary>Counts over the deliveries the sample is responsible for.</summary>
internal sealed record SampleSummary(IReadOnlyList<(string Family, WebhookDelivery Delivery)> Deliveries)
{
    public int Total => Deliveries.Count;

    public int Succeeded => Deliveries.Count(d => d.Delivery.Status == WebhookDeliveryStatus.Succeeded);

    public int DeadLettered => Deliveries.Count(d => d.Delivery.Status == WebhookDeliveryStatus.DeadLettered);

    public int Pending => Deliveries.Count(d => d.Delivery.Status == WebhookDeliveryStatus.Pending);

    public int Retried => Deliveries.Count(d => d.Delivery.AttemptCount > 1);

    public int CountVerified(SampleReceiver receiver) =>
        Deliveries.Count(d => d.Delivery.Status == WebhookDeliveryStatus.Succeeded && receiver.WasVerified(d.Family, d.Delivery.MessageId));
}
