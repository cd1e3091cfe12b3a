namespace Choreblimey.Webhooks.Security;

/// <summary>How the delivery client reaches receivers, as found at the end of its handler chain.</summary>
internal enum WebhookTransportKind
{
    /// <summary>The library's <see cref="SocketsHttpHandler"/>, whose connections go through the address guard.</summary>
    Guarded,

    /// <summary>A handler that answers in this process (<see cref="IWebhookInProcessHandler"/>); nothing is connected to.</summary>
    InProcess,

    /// <summary>A primary handler the host put in place of the library's, or whose connect callback it replaced.</summary>
    Unguarded,

    /// <summary>The handler chain could not be created, so it is not known; deliveries fail until it can be.</summary>
    Unknown,
}
