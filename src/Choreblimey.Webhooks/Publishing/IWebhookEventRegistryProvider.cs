namespace Choreblimey.Webhooks;

/// <summary>
/// Implemented by publishers that know the event registry they validate against, so typed publishing
/// (<see cref="WebhookPublisherTypedExtensions"/>) can find an event from its payload type.
/// </summary>
internal interface IWebhookEventRegistryProvider
{
    /// <summary>Gets the registry the publisher validates event types against.</summary>
    IWebhookEventRegistry EventRegistry { get; }
}
