namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>A queued publish: the message and its deliveries, as the publish batcher's combined statement needs them.</summary>
/// <param name="Message">The message.</param>
/// <param name="Deliveries">Its deliveries (none is null: checked when the publish was queued).</param>
internal sealed record PostgreSqlPendingPublish(WebhookMessage Message, IReadOnlyList<WebhookDelivery> Deliveries);
