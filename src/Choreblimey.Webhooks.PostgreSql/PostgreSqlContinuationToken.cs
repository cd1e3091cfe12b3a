using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>Opaque continuation tokens for the store's key-set paging.</summary>
internal static class PostgreSqlContinuationToken
{
    private const string SubscriptionPrefix = "s1|";
    private const string DeliveryPrefix = "d1|";

    /// <summary>Makes the token that continues a subscription listing after <paramref name="lastId"/>.</summary>
    /// <param name="lastId">The last id of the page.</param>
    /// <returns>The token.</returns>
    public static string ForSubscription(string lastId) => Encode(SubscriptionPrefix + lastId);

    /// <summary>Reads a subscription continuation token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The id to continue after.</returns>
    /// <exception cref="ArgumentException">The token is not one this store made.</exception>
    public static string ParseSubscription(string token)
    {
        var text = Decode(token);
        return text.StartsWith(SubscriptionPrefix, StringComparison.Ordinal)
            ? text[SubscriptionPrefix.Length..]
            : throw Invalid();
    }

    /// <summary>Makes the token that continues a newest-first delivery listing after the given row.</summary>
    /// <param name="createdAt">The last row's creation time as stored.</param>
    /// <param name="lastId">The last row's id.</param>
    /// <returns>The token.</returns>
    public static string ForDelivery(DateTimeOffset createdAt, string lastId) =>
        Encode(DeliveryPrefix + createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + lastId);

    /// <summary>Reads a delivery continuation token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The creation time and id to continue after.</returns>
    /// <exception cref="ArgumentException">The token is not one this store made.</exception>
    public static (DateTimeOffset CreatedAt, string Id) ParseDelivery(string token)
    {
        var text = Decode(token);
        if (!text.StartsWith(DeliveryPrefix, StringComparison.Ordinal))
        {
            throw Invalid();
        }

        var rest = text.AsSpan(DeliveryPrefix.Length);
        var separator = rest.IndexOf('|');
        if (separator <= 0
            || !long.TryParse(rest[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw Invalid();
        }

        return (new DateTimeOffset(ticks, TimeSpan.Zero), rest[(separator + 1)..].ToString());
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Decode(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid();
        }
    }

    private static ArgumentException Invalid() =>
        new("The continuation token is not valid for this query.", "ContinuationToken");
}
