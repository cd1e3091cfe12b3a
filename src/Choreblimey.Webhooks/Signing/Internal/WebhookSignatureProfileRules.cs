using System.Globalization;
using Choreblimey.Webhooks.Subscriptions.Internal;

namespace Choreblimey.Webhooks.Signing.Internal;

/// <summary>
/// Checks a host's signature profile when it is registered: its header names are HTTP tokens, distinct, and none of the
/// headers the library sets on every request, which the profile's would otherwise duplicate or contradict.
/// </summary>
internal static class WebhookSignatureProfileRules
{
    /// <exception cref="ArgumentException">A header name is empty, not a token, repeated or one the library sets.</exception>
    public static void Validate(WebhookSignatureProfile profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile.Name, nameof(profile));
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Check(profile, seen, nameof(WebhookSignatureProfile.SignatureHeader), profile.SignatureHeader);
        Check(profile, seen, nameof(WebhookSignatureProfile.IdHeader), profile.IdHeader);
        Check(profile, seen, nameof(WebhookSignatureProfile.SubscriptionIdHeader), profile.SubscriptionIdHeader);
        Check(profile, seen, nameof(WebhookSignatureProfile.EventTypeHeader), profile.EventTypeHeader);
    }

    private static void Check(WebhookSignatureProfile profile, Dictionary<string, string> seen, string property, string? header)
    {
        if (header is null && property != nameof(WebhookSignatureProfile.SignatureHeader))
        {
            return;
        }

        if (string.IsNullOrEmpty(header))
        {
            throw new ArgumentException($"The signature profile '{profile.Name}' has an empty {property}.", nameof(profile));
        }

        if (WebhookSubscriptionValidator.IndexOfNonTokenChar(header) is var i and >= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The signature profile '{profile.Name}' has a {property} '{header}' that is not an HTTP token (RFC 7230): it contains U+{(int)header[i]:X4} at position {i}."),
                nameof(profile));
        }

        if (Array.Exists(WebhookSubscriptionValidator.LibraryHeaders, h => string.Equals(h, header, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(
                $"The signature profile '{profile.Name}' names the header '{header}' as its {property}, but the library sets '{header}' on every request itself.",
                nameof(profile));
        }

        if (!seen.TryAdd(header, property))
        {
            throw new ArgumentException(
                $"The signature profile '{profile.Name}' names the header '{header}' as both its {seen[header]} and its {property}; each header can carry one value.",
                nameof(profile));
        }
    }
}
