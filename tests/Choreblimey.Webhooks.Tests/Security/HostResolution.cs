using System.Net;
using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;

namespace Choreblimey.Webhooks.Tests.Security;

#pragma warning disable CA2012 // NSubstitute configures ValueTask-returning members by calling them.

/// <summary>
/// Gives a host name a chosen DNS answer through the guard's resolver seam. A name is judged only when it is connected to
/// (a URL holding an address is refused when it is registered), so this is how a test reaches the guard's connect-time
/// refusal: the name that resolves somewhere blocked after it was registered.
/// </summary>
internal static class HostResolution
{
    public static IWebhooksBuilder ResolveHost(this IWebhooksBuilder webhooks, string host, IPAddress address)
    {
        var resolver = Substitute.For<IWebhookHostResolver>();
        resolver.ResolveAsync(host, Arg.Any<CancellationToken>()).Returns(new ValueTask<IPAddress[]>([address]));
        webhooks.Services.Replace(ServiceDescriptor.Singleton(resolver));
        return webhooks;
    }
}
