namespace Choreblimey.Webhooks;

/// <summary>
/// Implemented by publishers that know the event registry they validate against, so typed publishing
/// (<see cref="WebhookPublisherTypedExtensions"/>) can find an event from its payload type.
/// </summary>
internal interface IWebhookEventRegistryProvider
{
    /// <summary>Gets the registry the publisher validates event types against.</summary>
    IWebhookEventRegistry EventRegistry { get; }

    /// <summary>
    /// Publishes the event declared with <typeparamref name="TPayload"/>, under the same rules as a publish by name: when
    /// webhooks are disabled nothing is resolved or stored, and an undeclared payload type is rejected, not thrown, when
    /// <see cref="WebhookOptions.ThrowOnInvalidPublish"/> is off.
    /// </summary>
    ValueTask<WebhookPublishReceipt> PublishByPayloadTypeAsync<TPayload>(TPayload payload, WebhookPublishOptions options, CancellationToken cancellationToken);
}
