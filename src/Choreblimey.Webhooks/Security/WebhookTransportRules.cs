using System.Diagnostics.CodeAnalysis;

namespace Choreblimey.Webhooks.Security;

/// <summary>The URL scheme rule, shared by subscription validation and the sender.</summary>
internal static class WebhookTransportRules
{
    /// <summary>Throws when <paramref name="url"/> uses a scheme the options do not allow.</summary>
    /// <exception cref="WebhookValidationException">The URL uses plain http and http is not allowed for it.</exception>
    public static void EnsureSchemeAllowed(Uri url, WebhookSecurityOptions security)
    {
        if (!IsSchemeAllowed(url, security, out var error))
        {
            throw new WebhookValidationException("Url", error, null);
        }
    }

    /// <summary>Returns whether <paramref name="url"/> uses a scheme the options allow, and if not why.</summary>
    public static bool IsSchemeAllowed(Uri url, WebhookSecurityOptions security, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(security);
        error = null;
        if (string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            if (security.AllowHttp || (security.AllowHttpForLoopback && url.IsLoopback))
            {
                return true;
            }

            error = $"The webhook URL for host {url.IdnHost} uses the scheme 'http', which is refused: use https, or allow plain http with WebhookOptions.Security.AllowHttp"
                + (url.IsLoopback ? " (or WebhookOptions.Security.AllowHttpForLoopback, set by AllowLoopback())." : ".");
            return false;
        }

        error = $"The webhook URL for host {url.IdnHost} uses the scheme '{url.Scheme}'; only https (and http when WebhookOptions.Security.AllowHttp is set) is supported.";
        return false;
    }
}
