using Choreblimey.Webhooks.DependencyInjection.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The builder handed to hosts; it carries the one registration of this service collection.</summary>
internal sealed record WebhooksBuilder(IServiceCollection Services, WebhooksRegistration Registration) : IWebhooksBuilder;
