
using Choreblimey.Webhooks;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// The marker registered once per service collection: it makes <c>AddWebhooks()</c> idempotent and holds what the
/// builder accumulates (declared events, the HTTP client builder).
/// </summary>
internal sealed class WebhooksRegistration(Microsoft.Extensions.DependencyInjection.IHttpClientBuilder httpClient)
{
    public WebhookEventCatalog Events { get; } = new();

    public Microsoft.Extensions.DependencyInjection.IHttpClientBuilder HttpClient { get; } = httpClient;
}
