using Choreblimey.Webhooks.Security;

namespace Choreblimey.Webhooks.Testing;

/// <summary>The primary handler that hands every request to a <see cref="WebhookTestReceiver"/> instead of the network.</summary>
internal sealed class WebhookTestReceiverHandler(WebhookTestReceiver receiver) : HttpMessageHandler, IWebhookInProcessHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(request, cancellationToken);
}
