namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// Hands the registry to typed publishing. A thin stand-in until the publisher itself implements
/// <see cref="IWebhookEventRegistryProvider"/>; it adds nothing to a publish but one virtual call.
/// </summary>
internal sealed class WebhookRegistryAwarePublisher(IWebhookPublisher inner, IWebhookEventRegistry registry)
    : IWebhookPublisher, IWebhookEventRegistryProvider
{
    public IWebhookEventRegistry EventRegistry => registry;

    public ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        string? tenantId = null,
        string? actor = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        inner.PublishAsync(eventType, payload, tenantId, actor, idempotencyKey, cancellationToken);

    public ValueTask<WebhookPublishReceipt> PublishAsync<TPayload>(
        string eventType,
        TPayload payload,
        WebhookPublishOptions options,
        CancellationToken cancellationToken = default) =>
        inner.PublishAsync(eventType, payload, options, cancellationToken);
}
