namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>One registered source of configured endpoints, read once when first needed.</summary>
/// <param name="Resolve">Reads the endpoints; may use services such as <c>IConfiguration</c>.</param>
internal sealed record WebhookEndpointSource(Func<IServiceProvider, IEnumerable<WebhookConfiguredEndpoint>> Resolve);
