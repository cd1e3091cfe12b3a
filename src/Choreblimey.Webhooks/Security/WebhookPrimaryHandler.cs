using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Security;

/// <summary>Builds the delivery client's primary handler: the address guard connects, nothing is followed or trusted implicitly.</summary>
internal static class WebhookPrimaryHandler
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    public static SocketsHttpHandler Create(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
        var security = options.Security;
        var guard = services.GetRequiredService<WebhookAddressGuard>();
        // No RemoteCertificateValidationCallback is ever set: certificates are validated by the platform.
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = security.Proxy is not null,
            Proxy = security.Proxy is { } proxy ? new WebProxy(proxy) : null,
            PooledConnectionLifetime = security.PooledConnectionLifetime,
            ConnectTimeout = GetConnectTimeout(options),
            ConnectCallback = guard.ConnectAsync,
        };
    }

    /// <summary>The configured connect timeout, or 10 seconds capped at the attempt timeout.</summary>
    public static TimeSpan GetConnectTimeout(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Security.ConnectTimeout ?? (options.AttemptTimeout < DefaultConnectTimeout ? options.AttemptTimeout : DefaultConnectTimeout);
    }
}
