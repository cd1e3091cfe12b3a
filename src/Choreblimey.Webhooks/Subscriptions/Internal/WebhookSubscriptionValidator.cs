namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>Checks subscription settings and says precisely what is wrong.</summary>
internal sealed class WebhookSubscriptionValidator(IWebhookEventRegistry registry)
{
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);
    public const int MaxAttemptsLimit = 100;

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        WebhookHeaders.Id, WebhookHeaders.Timestamp, WebhookHeaders.Signature, "Host", "Content-Type", "Content-Length",
        "Transfer-Encoding", "Connection",
    };

    public static Uri ValidateUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new WebhookValidationException("Url", "A webhook URL is required.", null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{Redact(url)}' is not an absolute http or https URL.", null);
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{Redact(url)}' must not carry credentials in its user-info part; use a custom header.", null);
        }

        return uri;
    }

    public IReadOnlyList<string> ValidatePatterns(IReadOnlyList<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0)
        {
            throw new WebhookValidationException("EventTypes", "A subscription needs at least one event type or pattern ('*' for every event).", null);
        }

        var result = new List<string>(patterns.Count);
        foreach (var pattern in patterns)
        {
            if (!WebhookEventPatterns.IsValid(pattern, out var reason))
            {
                throw new WebhookValidationException("EventTypes", reason, null);
            }

            if (!pattern.EndsWith('*') && !registry.TryGetEvent(pattern, out _))
            {
                throw new WebhookValidationException("EventTypes", new UnknownWebhookEventException(pattern, registry.FindClosestNames(pattern)).Message, null);
            }

            if (!result.Contains(pattern, StringComparer.Ordinal))
            {
                result.Add(pattern);
            }
        }

        return result;
    }

    public static WebhookSecret ValidateSecret(string? secret)
    {
        if (secret is null)
        {
            return WebhookSecret.Generate();
        }

        try
        {
            return WebhookSecret.Parse(secret);
        }
        catch (FormatException exception)
        {
            throw new WebhookValidationException("Secret", exception.Message, null);
        }
    }

    public static void ValidateSettings(WebhookSubscriptionRequest request)
    {
        if (request.Timeout is { } timeout && (timeout < MinTimeout || timeout > MaxTimeout))
        {
            throw new WebhookValidationException("Timeout", $"The timeout must be between 1 and 60 seconds; it is {timeout.TotalSeconds} s.", null);
        }

        if (request.MaxAttempts is { } attempts && attempts is < 1 or > MaxAttemptsLimit)
        {
            throw new WebhookValidationException("MaxAttempts", $"MaxAttempts must be between 1 and {MaxAttemptsLimit}; it is {attempts}.", null);
        }

        if (request.RetrySchedule is { } schedule)
        {
            if (schedule.Count is 0 or > MaxAttemptsLimit)
            {
                throw new WebhookValidationException("RetrySchedule", $"A retry schedule needs 1 to {MaxAttemptsLimit} entries; it has {schedule.Count}.", null);
            }

            foreach (var delay in schedule)
            {
                if (delay < TimeSpan.Zero || delay > TimeSpan.FromDays(7))
                {
                    throw new WebhookValidationException("RetrySchedule", $"Every retry delay must be between 0 and 7 days; {delay} is not.", null);
                }
            }
        }

        if (request.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                ValidateHeader(name, value);
            }
        }
    }

    public static void ValidateHeader(string name, string value)
    {
        if (string.IsNullOrEmpty(name) || !name.All(IsTokenChar))
        {
            throw new WebhookValidationException("Headers", $"The header name '{name}' is not a valid HTTP header name.", null);
        }

        if (ReservedHeaders.Contains(name))
        {
            throw new WebhookValidationException("Headers", $"The header '{name}' is set by the library and cannot be overridden.", null);
        }

        if (value is null || value.Any(c => c is '\r' or '\n' or '\0'))
        {
            throw new WebhookValidationException("Headers", $"The value of header '{name}' must not contain CR, LF or NUL characters.", null);
        }
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    private static string Redact(string url)
    {
        // Receiver URLs often carry tokens (Zapier, Make.com) or credentials; echo only their scheme and host.
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
}
