using System.Globalization;
using System.Text;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// How subscription settings are shown in messages and <c>ToString()</c>: receiver URLs and custom header values often
/// carry credentials (Zapier and Make.com tokens in the path, <c>Authorization</c> headers), so only their harmless parts are shown.
/// </summary>
internal static class WebhookRedaction
{
    /// <summary>The scheme and host of a URL, with <c>/…</c> when it has more; never its path, query or user info.</summary>
    public static string Url(string? url)
    {
        if (url is null)
        {
            return "null";
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
        {
            var hasMore = uri.PathAndQuery.Length > 1 || uri.Fragment.Length > 0;
            return uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) + (hasMore ? "/…" : string.Empty);
        }

        var cut = url.IndexOfAny(['/', '?', '#', '@', ':']);
        var head = cut < 0 ? url : url[..cut];
        if (head.Length > 32)
        {
            head = head[..32];
        }

        return head.Length < url.Length ? head + "…" : head;
    }

    /// <summary>Appends the settings shared by requests and updates, with secrets, URLs and header values redacted.</summary>
    public static void AppendSettings(
        StringBuilder builder,
        string? description,
        int? maxAttempts,
        IReadOnlyList<TimeSpan>? retrySchedule,
        TimeSpan? timeout,
        IReadOnlyDictionary<string, string>? headers,
        IReadOnlyDictionary<string, string>? metadata,
        IReadOnlyList<WebhookAttributeFilter>? filters,
        double? rateLimitPerSecond,
        string? signatureProfile,
        string? envelope)
    {
        var c = CultureInfo.InvariantCulture;
        builder.Append(c, $", Description = {description}");
        builder.Append(c, $", MaxAttempts = {maxAttempts}");
        builder.Append(", RetrySchedule = ").Append(List(retrySchedule?.Select(d => d.ToString("c", c))));
        builder.Append(c, $", Timeout = {timeout}");
        // Header values are often credentials (Authorization, API keys); metadata belongs to the host and may be personal.
        builder.Append(", Headers = ").Append(List(headers?.Keys.Select(k => k + ": ***")));
        builder.Append(", Metadata = ").Append(List(metadata?.Keys));
        builder.Append(", Filters = ").Append(List(filters?.Select(f => f?.ToString() ?? "null")));
        builder.Append(c, $", RateLimitPerSecond = {rateLimitPerSecond}");
        builder.Append(c, $", SignatureProfile = {signatureProfile}");
        builder.Append(c, $", Envelope = {envelope}");
    }

    /// <summary>A list as <c>[a, b]</c>, or nothing for <see langword="null"/> (as records print null members).</summary>
    public static string List(IEnumerable<string>? items) => items is null ? string.Empty : "[" + string.Join(", ", items) + "]";
}
