namespace Choreblimey.Webhooks.Testing;

/// <summary>Tells which signature profile signed a request from the signature header it carries.</summary>
internal static class WebhookSignatureProfileDetector
{
    /// <summary>
    /// Returns the first of <paramref name="profiles"/> whose signature header is present, or <see langword="null"/>.
    /// Standard Webhooks comes first in the built-ins, so a profile that reuses <c>webhook-signature</c> reads as Standard
    /// Webhooks unless it changes the scheme.
    /// </summary>
    public static WebhookSignatureProfile? Detect(IEnumerable<WebhookSignatureProfile> profiles, Func<string, string?> getHeader)
    {
        foreach (var profile in profiles)
        {
            if (getHeader(profile.SignatureHeader) is not null)
            {
                return profile;
            }
        }

        return null;
    }
}
