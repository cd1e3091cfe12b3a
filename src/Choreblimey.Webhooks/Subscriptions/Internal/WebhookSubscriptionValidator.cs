using System.Globalization;
using Choreblimey.Webhooks.Publishing.Internal;
using Choreblimey.Webhooks.Signing.Internal;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>Checks subscription settings and says precisely what is wrong.</summary>
internal sealed class WebhookSubscriptionValidator(
    IWebhookEventRegistry registry,
    WebhookSignatureProfileRegistry profiles,
    WebhookEnvelopeFormatterRegistry envelopes)
{
    public const int MaxFilters = 32;
    public const int MaxFilterValues = 100;
    public const int MaxAttributeNameLength = 128;
    public const double MaxRateLimitPerSecond = 10_000;

    /// <summary>One delivery in about 17 minutes: below that the limiter's wait for a token no longer fits a due time.</summary>
    public const double MinRateLimitPerSecond = 0.001;

    /// <summary>The most custom headers a subscription may send.</summary>
    public const int MaxHeaders = 32;

    /// <summary>The longest custom header name, in characters.</summary>
    public const int MaxHeaderNameLength = 256;

    /// <summary>The longest custom header value, in characters (ASCII, so also bytes).</summary>
    public const int MaxHeaderValueLength = 4096;
    public const int MaxUrlLength = 2048;

    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);
    public const int MaxAttemptsLimit = 100;

    /// <summary>The headers the library sets on every request, whatever the profile: neither a subscription nor a profile may name them.</summary>
    internal static readonly string[] LibraryHeaders =
        [WebhookHeaders.Id, WebhookHeaders.Timestamp, "User-Agent", "traceparent", "Content-Type", "Content-Length", "Host"];

    private static readonly HashSet<string> ReservedHeaders =
        new([.. LibraryHeaders, WebhookHeaders.Signature, "Transfer-Encoding", "Connection"], StringComparer.OrdinalIgnoreCase);

    // Headers of the body, which HttpClient refuses on a request's own headers: accepted here, they would never be sent.
    private static readonly string[] ContentHeaders = ["Expires", "Last-Modified", "Allow"];

    public static Uri ValidateUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new WebhookValidationException("Url", "A webhook URL is required.", null);
        }

        if (url.Length > MaxUrlLength)
        {
            throw new WebhookValidationException(
                "Url",
                string.Create(CultureInfo.InvariantCulture, $"The webhook URL is {url.Length} characters long; a webhook URL may have at most {MaxUrlLength} (receivers refuse longer ones)."),
                null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{WebhookRedaction.Url(url)}' is not {DescribeUnparsable(url)}.", null);
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{WebhookRedaction.Url(url)}' uses the scheme '{uri.Scheme}'; a webhook URL must be http or https.", null);
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{WebhookRedaction.Url(url)}' must not carry credentials in its user-info part; use a custom header.", null);
        }

        // Uri accepts port 0, which nothing can connect to: every delivery would fail.
        if (uri.Port == 0)
        {
            throw new WebhookValidationException("Url", $"The webhook URL '{WebhookRedaction.Url(url)}' names port 0; a webhook URL's port must be a number from 1 to 65535.", null);
        }

        return uri;
    }

    /// <summary>Says what is wrong with a URL <see cref="Uri"/> cannot read, where that can be told from its text.</summary>
    private static string DescribeUnparsable(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return "an absolute URL: it needs a scheme and a host, such as https://hooks.example.com/path";
        }

        var authority = url[(schemeEnd + 3)..].Split('/', '?', '#')[0];
        if (authority.Length == 0)
        {
            return "a valid URL: it has no host after the scheme";
        }

        if (authority.Contains(' ', StringComparison.Ordinal))
        {
            return "a valid URL: its host contains a space";
        }

        var colon = authority.LastIndexOf(':');
        if (colon >= 0 && authority[^1] != ']'
            && (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535))
        {
            return "a valid URL: its port is not a number from 1 to 65535";
        }

        return "a valid absolute http or https URL";
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
                throw new WebhookValidationException("EventTypes", new UnknownWebhookEventException(pattern, registry.FindClosestNames(pattern), registry.Count > 0).Message, null);
            }

            // The registry is fixed at start, so a prefix that no declared event has (a typo, an undeclared family) could
            // never deliver anything: refused like an undeclared exact name rather than accepted and silent.
            if (pattern != WebhookEventPatterns.All && pattern.EndsWith('*') && !registry.Any(e => WebhookEventPatterns.Matches(pattern, e.Name)))
            {
                throw new WebhookValidationException("EventTypes", PrefixMatchesNothing(pattern), null);
            }

            if (!result.Contains(pattern, StringComparer.Ordinal))
            {
                result.Add(pattern);
            }
        }

        return result;
    }

    private string PrefixMatchesNothing(string pattern)
    {
        if (registry.Count == 0)
        {
            return $"The pattern '{pattern}' matches no declared event: no webhook events are declared at all.";
        }

        // Suggest the declared families (every prefix of a declared name that ends at a separator), as patterns.
        var families = registry
            .SelectMany(static e => Enumerable.Range(1, e.Name.Length - 1)
                .Where(i => WebhookEventPatterns.IsSeparator(e.Name[i]))
                .Select(i => e.Name[..(i + 1)]))
            .Distinct(StringComparer.Ordinal);
        var closest = new WebhookEventNameMatcher(families).FindClosest(pattern[..^1], maxCount: 3);
        return closest.Count == 0
            ? $"The pattern '{pattern}' matches no declared event, and no declared family is close to it."
            : $"The pattern '{pattern}' matches no declared event. Closest declared {(closest.Count == 1 ? "family" : "families")}: '{string.Join("*', '", closest)}*'.";
    }

    /// <summary>Parses <paramref name="secret"/>, or generates one in the form the subscription's receivers use.</summary>
    public WebhookSecret ValidateSecret(string? secret, string? signatureProfile) =>
        secret is null ? NewSecret(signatureProfile) : ParseSecret(secret);

    /// <summary>Parses a secret given by the caller, reporting a bad one on <c>Secret</c>.</summary>
    public static WebhookSecret ParseSecret(string secret)
    {
        try
        {
            return WebhookSecret.Parse(secret);
        }
        catch (FormatException exception)
        {
            throw new WebhookValidationException("Secret", exception.Message, null);
        }
    }

    /// <summary>
    /// Returns a registered profile's name as it was registered ("GitHub" becomes "github"), so that stored subscriptions
    /// and the receivers' code compare names alike; an unknown name is returned as given, for validation to refuse.
    /// </summary>
    public string? CanonicalProfileName(string? signatureProfile) =>
        signatureProfile is not null && profiles.Contains(signatureProfile) ? profiles.Get(signatureProfile).Name : signatureProfile;

    /// <summary>
    /// Generates a secret for a subscription on <paramref name="signatureProfile"/>: plain text for a hex-signature profile,
    /// whose receivers compute <c>HMAC(secret text, body)</c> and could not use random key bytes; random bytes otherwise.
    /// </summary>
    public WebhookSecret NewSecret(string? signatureProfile) =>
        profiles.Get(signatureProfile).Scheme == WebhookSignatureScheme.HmacSha256Hex ? WebhookSecret.GeneratePlainText() : WebhookSecret.Generate();

    public static void ValidateSettings(WebhookSubscriptionRequest request)
    {
        ValidateText("Description", request.Description, "The description");
        if (request.Metadata is { } metadata)
        {
            foreach (var (key, value) in metadata)
            {
                ValidateText("Metadata", key, "A metadata key");
                ValidateText("Metadata", value, $"The metadata value of '{Printable(key)}'");
            }
        }

        if (request.Timeout is { } timeout && (timeout < MinTimeout || timeout > MaxTimeout))
        {
            throw new WebhookValidationException("Timeout", string.Create(CultureInfo.InvariantCulture, $"The timeout must be between 1 and 60 seconds; it is {timeout.TotalSeconds} s."), null);
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
            if (headers.Count > MaxHeaders)
            {
                throw new WebhookValidationException("Headers", $"A subscription may have at most {MaxHeaders} custom headers; it has {headers.Count}.", null);
            }

            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in headers)
            {
                ValidateHeader(name, value);
                if (!seen.TryAdd(name, name))
                {
                    throw new WebhookValidationException(
                        "Headers",
                        $"The headers '{seen[name]}' and '{name}' differ only in case; HTTP header names are case-insensitive, so they would be sent as one header.",
                        null);
                }
            }
        }
    }

    /// <summary>
    /// Checks a custom header: the name must be an RFC 7230 token and not one the library sets; the value must be visible
    /// ASCII and spaces only. HttpClient refuses anything else at send time, so a value such as <c>café</c> would otherwise
    /// fail every attempt and eventually disable the subscription. The value is never echoed: it is often a credential.
    /// </summary>
    public static void ValidateHeader(string name, string value)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new WebhookValidationException("Headers", "A custom header name must not be empty.", null);
        }

        if (name.Length > MaxHeaderNameLength)
        {
            throw new WebhookValidationException(
                "Headers",
                string.Create(CultureInfo.InvariantCulture, $"The header name '{Printable(name[..32])}…' is {name.Length} characters long; a header name may have at most {MaxHeaderNameLength}."),
                null);
        }

        if (IndexOfNonTokenChar(name) is var bad and >= 0)
        {
            throw new WebhookValidationException(
                "Headers",
                string.Create(CultureInfo.InvariantCulture, $"The header name '{Printable(name)}' is not an HTTP token (RFC 7230): it contains U+{(int)name[bad]:X4} at position {bad}; a header name may contain only letters, digits and !#$%&'*+-.^_`|~."),
                null);
        }

        if (ReservedHeaders.Contains(name))
        {
            throw new WebhookValidationException("Headers", $"The header '{name}' is set by the library and cannot be overridden.", null);
        }

        if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || Array.Exists(ContentHeaders, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new WebhookValidationException(
                "Headers",
                $"The header '{name}' describes the request body, which the library writes; it cannot be sent as a custom header.",
                null);
        }

        if (value is null)
        {
            throw new WebhookValidationException("Headers", $"The value of header '{name}' must not be null; remove the header instead.", null);
        }

        if (value.Length > MaxHeaderValueLength)
        {
            throw new WebhookValidationException(
                "Headers",
                string.Create(CultureInfo.InvariantCulture, $"The value of header '{name}' is {value.Length} characters long; a header value may have at most {MaxHeaderValueLength}."),
                null);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is < ' ' or > '~')
            {
                var kind = c is < ' ' or '\x7F' ? "a control character" : "a non-ASCII character";
                throw new WebhookValidationException(
                    "Headers",
                    string.Create(CultureInfo.InvariantCulture, $"The value of header '{name}' contains {kind} (U+{(int)c:X4}) at position {i}; a header value may contain only visible ASCII characters and spaces (encode other text, for example as percent-encoding or base64)."),
                    null);
            }
        }
    }

    /// <summary>Checks the settings added for routing and delivery shaping: filters, rate limit, profile, envelope, and headers against the profiles' headers.</summary>
    public void ValidateRouting(
        IReadOnlyList<WebhookAttributeFilter>? filters,
        double? rateLimitPerSecond,
        string? signatureProfile,
        string? envelope,
        IReadOnlyDictionary<string, string>? headers)
    {
        ValidateFilters(filters);
        if (rateLimitPerSecond is { } rate && (!double.IsFinite(rate) || rate < MinRateLimitPerSecond || rate > MaxRateLimitPerSecond))
        {
            throw new WebhookValidationException(
                "RateLimitPerSecond",
                string.Create(CultureInfo.InvariantCulture, $"RateLimitPerSecond must be at least {MinRateLimitPerSecond} and at most {MaxRateLimitPerSecond}; it is {rate}."),
                null);
        }

        if (signatureProfile is not null && !profiles.Contains(signatureProfile))
        {
            throw new WebhookValidationException(
                "SignatureProfile",
                $"The signature profile '{signatureProfile}' is not registered; known profiles: {string.Join(", ", profiles.Names.Order(StringComparer.Ordinal))}.",
                null);
        }

        if (envelope is not null && !envelopes.Contains(envelope))
        {
            throw new WebhookValidationException(
                "Envelope",
                $"The envelope format '{envelope}' is not registered; known formats: {string.Join(", ", envelopes.Names.Order(StringComparer.Ordinal))}.",
                null);
        }

        if (headers is not null)
        {
            foreach (var name in headers.Keys)
            {
                if (profiles.ReservedHeaders.Contains(name))
                {
                    throw new WebhookValidationException("Headers", $"The header '{name}' is set by a signature profile and cannot be overridden.", null);
                }
            }
        }
    }

    public static void ValidateFilters(IReadOnlyList<WebhookAttributeFilter>? filters)
    {
        if (filters is null)
        {
            return;
        }

        if (filters.Count > MaxFilters)
        {
            throw new WebhookValidationException("Filters", $"A subscription may have at most {MaxFilters} filters; it has {filters.Count}.", null);
        }

        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i] ?? throw new WebhookValidationException("Filters", $"Filter {i} is null.", null);
            if (string.IsNullOrEmpty(filter.Attribute) || filter.Attribute.Length > MaxAttributeNameLength || filter.Attribute.Any(char.IsControl))
            {
                throw new WebhookValidationException("Filters", $"Filter {i} needs an attribute name of 1 to {MaxAttributeNameLength} characters without control characters.", null);
            }

            if (!Enum.IsDefined(filter.Operator))
            {
                throw new WebhookValidationException("Filters", $"Filter {i} on '{filter.Attribute}' has an unknown operator {(int)filter.Operator}.", null);
            }

            var values = filter.Values;
            if (values is null || values.Count == 0 || values.Any(v => v is null))
            {
                throw new WebhookValidationException("Filters", $"Filter {i} on '{filter.Attribute}' needs at least one value and no null values.", null);
            }

            foreach (var value in values)
            {
                ValidateText("Filters", value, $"A value of filter {i} on '{filter.Attribute}'");
            }

            switch (filter.Operator)
            {
                case WebhookFilterOperator.In when values.Count > MaxFilterValues:
                    throw new WebhookValidationException("Filters", $"Filter {i} on '{filter.Attribute}' may list at most {MaxFilterValues} values; it lists {values.Count}.", null);
                case WebhookFilterOperator.Equals when values.Count != 1:
                    throw new WebhookValidationException("Filters", $"Filter {i} on '{filter.Attribute}' uses {filter.Operator}, which takes exactly one value; use In for several.", null);
                case WebhookFilterOperator.LessThanOrEqual or WebhookFilterOperator.GreaterThanOrEqual
                    when values.Count != 1 || !WebhookAttributeFilters.TryParseNumber(values[0], out _):
                    throw new WebhookValidationException(
                        "Filters",
                        $"Filter {i} on '{filter.Attribute}' uses {filter.Operator}, which takes exactly one invariant-culture decimal value (such as '5' or '12.5').",
                        null);
            }
        }
    }

    /// <summary>
    /// Refuses control characters other than tab and line breaks in free text: a NUL is refused by PostgreSQL's
    /// <c>jsonb</c> (the subscription would fail to store with a database error), and the others cannot be matched or shown.
    /// </summary>
    private static void ValidateText(string property, string? text, string what)
    {
        if (text is null)
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is < ' ' and not ('\t' or '\n' or '\r') or '\u007f')
            {
                throw new WebhookValidationException(
                    property,
                    string.Create(CultureInfo.InvariantCulture, $"{what} contains the control character U+{(int)text[i]:X4} at position {i}; only tabs and line breaks are allowed."),
                    null);
            }
        }
    }

    private static string Printable(string text)
    {
        // A refused name may hold control characters; show them as escapes so the message stays on one line.
        var printable = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                printable.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                printable.Append(c);
            }
        }

        return printable.ToString();
    }

    /// <summary>The position of the first character of <paramref name="name"/> that may not appear in an HTTP token (RFC 7230), or -1.</summary>
    internal static int IndexOfNonTokenChar(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (!IsTokenChar(name[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
