using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Choreblimey.Webhooks.Storage.Internal;

/// <summary>
/// The opaque continuation tokens of the built-in stores' key-set paging. A token names what it continues (a subscription
/// listing or a delivery log) and the row it continues after, so a token that was not returned by a store for the same
/// kind of listing is refused instead of silently giving some other page.
/// </summary>
internal static class WebhookContinuationToken
{
    private const string SubscriptionPrefix = "s1|";
    private const string DeliveryPrefix = "d1|";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Makes the token that continues a subscription listing after <paramref name="lastId"/>.</summary>
    /// <param name="lastId">The last id of the page.</param>
    /// <returns>The token.</returns>
    public static string ForSubscription(string lastId) => Encode(SubscriptionPrefix + lastId);

    /// <summary>Reads <paramref name="query"/>'s continuation token.</summary>
    /// <param name="query">The listing's query.</param>
    /// <returns>The id to continue after, or <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The token is not one a store made for a subscription listing.</exception>
    public static string? ParseSubscription(WebhookSubscriptionQuery query)
    {
        if (query.ContinuationToken is not { } token)
        {
            return null;
        }

        return Decode(token) is { } text && text.StartsWith(SubscriptionPrefix, StringComparison.Ordinal) && text.Length > SubscriptionPrefix.Length
            ? text[SubscriptionPrefix.Length..]
            : throw new ArgumentException(Invalid(nameof(WebhookSubscriptionQuery), "subscription listing"), nameof(query));
    }

    /// <summary>Makes the token that continues a newest-first delivery log after the given row.</summary>
    /// <param name="createdAt">The last row's creation time as stored.</param>
    /// <param name="lastId">The last row's id.</param>
    /// <returns>The token.</returns>
    public static string ForDelivery(DateTimeOffset createdAt, string lastId) =>
        Encode(DeliveryPrefix + createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + lastId);

    /// <summary>Reads <paramref name="query"/>'s continuation token.</summary>
    /// <param name="query">The log's query.</param>
    /// <returns>The creation time and id to continue after, or <see langword="null"/> for the first page.</returns>
    /// <exception cref="ArgumentException">The token is not one a store made for a delivery log.</exception>
    public static (DateTimeOffset CreatedAt, string Id)? ParseDelivery(WebhookDeliveryQuery query)
    {
        if (query.ContinuationToken is not { } token)
        {
            return null;
        }

        if (Decode(token) is { } text && text.StartsWith(DeliveryPrefix, StringComparison.Ordinal))
        {
            var rest = text.AsSpan(DeliveryPrefix.Length);
            var separator = rest.IndexOf('|');
            if (separator > 0
                && separator < rest.Length - 1
                && long.TryParse(rest[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), rest[(separator + 1)..].ToString());
            }
        }

        throw new ArgumentException(Invalid(nameof(WebhookDeliveryQuery), "delivery log"), nameof(query));
    }

    // Strict both ways: an id with a lone surrogate fails loudly here instead of coming back changed and paging from elsewhere.
    private static string Encode(string text) => Base64Url.EncodeToString(StrictUtf8.GetBytes(text));

    /// <summary>The token's text, or <see langword="null"/> when it is not base64url of UTF-8.</summary>
    private static string? Decode(string token)
    {
        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            // Invalid UTF-8 (DecoderFallbackException).
            return null;
        }
    }

    private static string Invalid(string queryType, string listing) =>
        $"{queryType}.ContinuationToken is not a token a store returned for a {listing}: pass the previous page's ContinuationToken unchanged, or null for the first page.";
}
