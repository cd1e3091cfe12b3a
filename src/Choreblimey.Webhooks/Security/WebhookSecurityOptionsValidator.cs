using System.Globalization;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Security;

/// <summary>Validates <see cref="WebhookOptions.Security"/> when the host starts, naming each bad entry.</summary>
internal sealed class WebhookSecurityOptionsValidator : IValidateOptions<WebhookOptions>
{
    private static readonly TimeSpan MaxPooledConnectionLifetime = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var security = options.Security;
        var failures = new List<string>();
        for (var i = 0; i < security.AllowedNetworks.Count; i++)
        {
            if (!IpNetwork.TryParse(security.AllowedNetworks[i], out _, out var error))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Security.AllowedNetworks[{i}]: {error}"));
            }
        }

        for (var i = 0; i < security.AllowedHosts.Count; i++)
        {
            var host = security.AllowedHosts[i];
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"WebhookOptions.Security.AllowedHosts[{i}]: '{host}' is not a host name."));
            }
        }

        if (security.ConnectTimeout is { } connectTimeout && (connectTimeout <= TimeSpan.Zero || connectTimeout > options.AttemptTimeout))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"WebhookOptions.Security.ConnectTimeout must be more than 0 and at most WebhookOptions.AttemptTimeout ({options.AttemptTimeout}); it is {security.ConnectTimeout}."));
        }

        if (security.PooledConnectionLifetime <= TimeSpan.Zero || security.PooledConnectionLifetime > MaxPooledConnectionLifetime)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"WebhookOptions.Security.PooledConnectionLifetime must be more than 0 and at most 1 hour; it is {security.PooledConnectionLifetime}."));
        }

        if (security.Proxy is { } proxy && (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("WebhookOptions.Security.Proxy must be an absolute http or https URL.");
        }
        else if (security.Proxy is { UserInfo.Length: > 0 } withCredentials)
        {
            // WebProxy ignores credentials in its address, so every delivery would fail with 407; the URL is not echoed (it
            // holds a password).
            failures.Add(
                $"WebhookOptions.Security.Proxy ({withCredentials.Scheme}://{withCredentials.IdnHost}:{withCredentials.Port}) carries credentials in its URL, which the proxy client does not send; use a proxy that needs none.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
