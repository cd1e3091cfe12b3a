namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddWebhooks()</c>; configuration of events, stores and the HTTP client chains on it.
/// </summary>
public interface IWebhooksBuilder
{
    /// <summary>Gets the service collection the webhooks services are registered in.</summary>
    IServiceCollection Services { get; }
}
