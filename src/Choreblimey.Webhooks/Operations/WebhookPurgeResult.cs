namespace Choreblimey.Webhooks;

/// <summary>What one purge batch removed.</summary>
/// <param name="Deliveries">Deliveries removed.</param>
/// <param name="Attempts">Attempts removed with them.</param>
/// <param name="Messages">Messages removed because no delivery refers to them.</param>
public readonly record struct WebhookPurgeResult(int Deliveries, int Attempts, int Messages);
