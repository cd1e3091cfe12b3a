using System.Globalization;
using System.Text;
using Choreblimey.Webhooks.Subscriptions.Internal;
using Microsoft.Extensions.Configuration;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>Reads endpoints and conventions from configuration.</summary>
internal static class WebhookConfigurationReader
{
    public const string IdPrefix = "sub_cfg_";

    /// <summary>The keys of one <c>Endpoints</c> entry. Any other key is refused: a misspelled <c>TenantId</c> or <c>EventTypes</c> silently widened the endpoint to every tenant or every event.</summary>
    private static readonly IReadOnlyList<string> EndpointKeys =
    [
        "Name", "Url", "EventTypes", "TenantId", "Secret", "Description", "SignatureProfile", "Envelope", "MaxAttempts",
        "RetrySchedule", "Timeout", "RateLimitPerSecond", "Headers", "Metadata", "Filters",
    ];

    /// <summary>The keys of one <c>Filters</c> entry of an endpoint.</summary>
    private static readonly IReadOnlyList<string> FilterKeys = ["Attribute", "Operator", "Values"];

    /// <summary>Separates the tenant from the name in the id of a tenant's endpoint; <see cref="Sanitize"/> rarely makes two underscores.</summary>
    public const string TenantSeparator = "__";

    /// <summary>
    /// Gets the subscription id of a configured endpoint. Stores key subscriptions by id alone, so a tenant's endpoint carries
    /// its tenant (<c>sub_cfg_family-1__crm</c>); a host-level or default-tenant endpoint keeps the id it had before tenants
    /// were part of it (<c>sub_cfg_crm</c>), so existing deployments keep their subscriptions, secrets and delivery history.
    /// </summary>
    /// <param name="tenantId">The endpoint's tenant.</param>
    /// <param name="name">The endpoint's name, already sanitized.</param>
    public static string SubscriptionId(string tenantId, string name) =>
        tenantId is WebhookTenants.All or WebhookTenants.Default ? IdPrefix + name : IdPrefix + Sanitize(tenantId) + TenantSeparator + name;

    /// <summary>Reads <c>Endpoints</c> of a <c>Webhooks</c> section: a list (<c>Endpoints:0:Url</c>) or named entries (<c>Endpoints:crm:Url</c>).</summary>
    public static IEnumerable<WebhookConfiguredEndpoint> ReadEndpoints(IConfiguration section)
    {
        foreach (var child in section.GetSection("Endpoints").GetChildren())
        {
            var name = child["Name"] is { Length: > 0 } named ? named : child.Key;
            var where = child.Path;
            RejectUnknownKeys(child, EndpointKeys, "webhook endpoint");
            var url = child["Url"];
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new InvalidOperationException($"The configured webhook endpoint {where} has no Url.");
            }

            var patterns = ReadList(child.GetSection("EventTypes"));
            var request = new WebhookSubscriptionRequest
            {
                Url = url,
                EventTypes = patterns.Count == 0 ? [WebhookEventPatterns.All] : patterns,
                Secret = ReadSecret(child["Secret"], child.GetSection("Secret").Path),
                Description = Empty(child["Description"]),
                SignatureProfile = Empty(child["SignatureProfile"]),
                Envelope = Empty(child["Envelope"]),
                MaxAttempts = Read(child, "MaxAttempts", where, static s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)),
                RetrySchedule = WebhookConfigurationTimeSpans.ReadList(child.GetSection("RetrySchedule")),
                Timeout = WebhookConfigurationTimeSpans.Read(child.GetSection("Timeout")),
                RateLimitPerSecond = Read(child, "RateLimitPerSecond", where, static s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
                Headers = ReadDictionary(child.GetSection("Headers")),
                Metadata = ReadDictionary(child.GetSection("Metadata")),
                Filters = ReadFilters(child.GetSection("Filters"), where),
            };
            var tenant = Empty(child["TenantId"]) ?? WebhookTenants.All;
            yield return new WebhookConfiguredEndpoint(SubscriptionId(tenant, Sanitize(name)), tenant, request.EventTypes, request, where);
        }
    }

    /// <summary>Reads the Choreblimey endpoint convention: <c>WEBHOOK_URL</c>, <c>WEBHOOK_SECRET</c> and friends.</summary>
    public static IEnumerable<WebhookConfiguredEndpoint> ReadEnvironmentEndpoint(IConfiguration configuration)
    {
        if (Empty(configuration[WebhookEnvironmentVariables.Url]) is not { } url)
        {
            yield break;
        }

        var request = new WebhookSubscriptionRequest
        {
            Url = url,
            EventTypes = [WebhookEventPatterns.All],
            Secret = ReadSecret(configuration[WebhookEnvironmentVariables.Secret], WebhookEnvironmentVariables.Secret),
            SignatureProfile = Empty(configuration[WebhookEnvironmentVariables.SignatureProfile]),
            Envelope = Empty(configuration[WebhookEnvironmentVariables.Envelope]),
            Description = $"From {WebhookEnvironmentVariables.Url}",
        };
        var tenant = Empty(configuration[WebhookEnvironmentVariables.TenantId]) ?? WebhookTenants.All;
        var source = tenant == WebhookTenants.All ? WebhookEnvironmentVariables.Url : $"{WebhookEnvironmentVariables.Url} with {WebhookEnvironmentVariables.TenantId}";
        yield return new WebhookConfiguredEndpoint(SubscriptionId(tenant, "env"), tenant, request.EventTypes, request, source);
    }

    /// <summary>Applies <c>WEBHOOK_ENABLED</c>, <c>WEBHOOK_MAX_RETRIES</c>, <c>WEBHOOK_RETRY_DELAY</c>, <c>WEBHOOK_EVENT_TTL</c> and <c>WEBHOOK_TIMEOUT</c>.</summary>
    public static void ApplyEnvironmentOptions(WebhookOptions options, IConfiguration configuration)
    {
        if (Empty(configuration[WebhookEnvironmentVariables.Enabled]) is { } enabled)
        {
            options.Enabled = enabled.Trim().ToUpperInvariant() switch
            {
                "TRUE" or "1" or "YES" or "ON" => true,
                "FALSE" or "0" or "NO" or "OFF" => false,
                _ => throw Invalid(WebhookEnvironmentVariables.Enabled, "true or false", enabled),
            };
        }

        var retries = ReadInteger(configuration, WebhookEnvironmentVariables.MaxRetries, 0, WebhookRetrySchedules.MaxRetries, $"an integer from 0 to {WebhookRetrySchedules.MaxRetries} (retries after the first attempt)");
        var delayMs = ReadInteger(configuration, WebhookEnvironmentVariables.RetryDelay, 0, 86_400_000, "an integer number of milliseconds from 0 to 86400000");
        if (retries is not null || delayMs is not null)
        {
            var current = options.Retry.Schedule.ToArray();
            var attempts = (retries ?? (current.Length - 1)) + 1;
            TimeSpan[] schedule;
            if (delayMs is { } baseDelay)
            {
                if (attempts > WebhookSubscriptionValidator.MaxAttemptsLimit)
                {
                    // Only the delay is set and the schedule set in code is longer than any schedule may be: say which two
                    // settings meet, rather than let the schedule builder fail on a count no variable gave.
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The configuration value {WebhookEnvironmentVariables.RetryDelay} builds a retry schedule of the {attempts} attempts of WebhookOptions.Retry.Schedule, more than the {WebhookSubscriptionValidator.MaxAttemptsLimit} a schedule may have; set {WebhookEnvironmentVariables.MaxRetries} too, or shorten the schedule."));
                }

                schedule = WebhookRetrySchedules.Exponential(attempts - 1, TimeSpan.FromMilliseconds(baseDelay));
            }
            else
            {
                // Only the number of retries is set: the current schedule's delays, its last one repeated if there are more.
                schedule = new TimeSpan[attempts];
                for (var i = 1; i < attempts; i++)
                {
                    schedule[i] = current[Math.Min(i, current.Length - 1)];
                }
            }

            schedule[0] = current.Length > 0 ? current[0] : TimeSpan.Zero;
            options.Retry.UseSchedule(schedule);
        }

        // Jossiedb's event history: its delivery log documents expire this long after they are written (30 days by default).
        // It is how long the log is kept, not how long an event may wait to be sent: retries are never cut short by it.
        if (ReadInteger(configuration, WebhookEnvironmentVariables.EventTimeToLive, 1, int.MaxValue, "a positive integer number of seconds") is { } ttl)
        {
            options.Retention.SucceededTtl = TimeSpan.FromSeconds(ttl);
            options.Retention.FailedTtl = TimeSpan.FromSeconds(ttl);
        }

        if (ReadInteger(configuration, WebhookEnvironmentVariables.Timeout, 1, 300_000, "an integer number of milliseconds from 1 to 300000") is { } timeoutMs)
        {
            options.AttemptTimeout = TimeSpan.FromMilliseconds(timeoutMs);
            if (options.LeaseDuration <= options.AttemptTimeout)
            {
                options.LeaseDuration = options.AttemptTimeout * 2;
            }
        }
    }

    /// <summary>Resolves a destination map against configuration: one endpoint per route, or a skipped route when no key is set.</summary>
    public static IEnumerable<WebhookConfiguredEndpoint> ReadDestinations(WebhookDestinationMap map, IConfiguration configuration)
    {
        var tenant = map.TenantId ?? WebhookTenants.All;
        var secret = map.SecretKey is null ? null : ReadSecret(configuration[map.SecretKey], map.SecretKey);
        foreach (var route in map.Routes)
        {
            var id = SubscriptionId(tenant, "route_" + Sanitize(route.EventPattern));
            var source = $"the destination route {route.EventPattern} ({string.Join(" or ", route.UrlKeys)})";
            string? url = null;
            foreach (var key in route.UrlKeys)
            {
                if (Empty(configuration[key]) is { } value)
                {
                    url = value.Trim();
                    break;
                }
            }

            if (url is null)
            {
                yield return new WebhookConfiguredEndpoint(id, tenant, [route.EventPattern], null, source, string.Join(" or ", route.UrlKeys));
                continue;
            }

            var request = new WebhookSubscriptionRequest
            {
                Url = url,
                EventTypes = [route.EventPattern],
                Secret = secret,
                Envelope = map.Envelope,
                SignatureProfile = map.SignatureProfile,
                RateLimitPerSecond = map.RateLimitPerSecond,
                Timeout = map.Timeout,
                Description = $"Route {route.EventPattern} from {string.Join(" or ", route.UrlKeys)}",
            };
            yield return new WebhookConfiguredEndpoint(id, tenant, [route.EventPattern], request, source);
        }
    }

    /// <summary>Turns a name into id characters: letters, digits, <c>_</c> and <c>-</c> are kept, <c>*</c> becomes <c>all</c>, anything else <c>_</c>.</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-')
            {
                builder.Append(c);
            }
            else if (c == '*')
            {
                builder.Append("all");
            }
            else
            {
                builder.Append('_');
            }
        }

        return builder.Length == 0 ? "_" : builder.ToString();
    }

    private static List<string> ReadList(IConfigurationSection section)
    {
        // Either a list (EventTypes:0, EventTypes:1) or one comma-separated value.
        var list = new List<string>();
        if (section.Value is { Length: > 0 } single)
        {
            list.AddRange(single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var child in section.GetChildren())
        {
            if (child.Value is { Length: > 0 } value)
            {
                list.Add(value.Trim());
            }
        }

        return list;
    }

    private static Dictionary<string, string>? ReadDictionary(IConfigurationSection section)
    {
        RejectPlainValue(section, "name: value pairs, one key per entry (Headers:X-Partner = value)");
        Dictionary<string, string>? result = null;
        foreach (var child in section.GetChildren())
        {
            // A JSON array ("Headers": ["X-A: 1"]) binds as keys 0, 1, ...: a header named "0" is never what was meant.
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidOperationException(
                    $"{child.Path} is an array entry; {section.Path} takes name: value pairs, one key per entry ({section.Key}:X-Partner = value), not a list.");
            }

            if (child.Value is not null)
            {
                (result ??= new(StringComparer.Ordinal))[child.Key] = child.Value;
            }
        }

        return result;
    }

    /// <summary>Refuses a section given a single value where entries were expected: the value would be ignored silently.</summary>
    private static void RejectPlainValue(IConfigurationSection section, string expected)
    {
        if (!string.IsNullOrEmpty(section.Value))
        {
            throw new InvalidOperationException($"{section.Path} is a single value, which would be ignored; it takes {expected}.");
        }
    }

    private static List<WebhookAttributeFilter>? ReadFilters(IConfigurationSection section, string where)
    {
        RejectPlainValue(section, "a list of filters, each with Attribute, Operator and Values (Filters:0:Attribute = region)");
        List<WebhookAttributeFilter>? result = null;
        foreach (var child in section.GetChildren())
        {
            RejectUnknownKeys(child, FilterKeys, "webhook endpoint filter");
            var attribute = child["Attribute"] ?? throw new InvalidOperationException($"{where}:Filters:{child.Key} has no Attribute.");
            if (!Enum.TryParse<WebhookFilterOperator>(child["Operator"], ignoreCase: true, out var op) || !Enum.IsDefined(op))
            {
                throw new InvalidOperationException(
                    $"{where}:Filters:{child.Key}:Operator must be one of {string.Join(", ", Enum.GetNames<WebhookFilterOperator>())}.");
            }

            (result ??= []).Add(new WebhookAttributeFilter(attribute, op, ReadList(child.GetSection("Values"))));
        }

        return result;
    }

    private static void RejectUnknownKeys(IConfigurationSection entry, IReadOnlyList<string> accepted, string what)
    {
        foreach (var key in entry.GetChildren())
        {
            // Case-insensitive, as IConfiguration itself is.
            if (!accepted.Contains(key.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The configured {what} {entry.Path} has the unknown key '{key.Key}' ({key.Path}). The accepted keys are {string.Join(", ", accepted)}.");
            }
        }
    }

    private static T? Read<T>(IConfiguration section, string key, string where, Func<string, T> parse)
        where T : struct
    {
        if (Empty(section[key]) is not { } text)
        {
            return null;
        }

        try
        {
            return parse(text.Trim());
        }
        catch (Exception exception) when (exception is FormatException or OverflowException)
        {
            throw new InvalidOperationException($"{where}:{key} is not a valid {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    private static int? ReadInteger(IConfiguration configuration, string key, int min, int max, string expected)
    {
        if (Empty(configuration[key]) is not { } text)
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(key, expected, text);
    }

    private static InvalidOperationException Invalid(string key, string expected, string value) =>
        new($"The configuration value {key} must be {expected}; it is '{(value.Length > 32 ? value[..32] + "…" : value)}'.");

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// Reads a configured secret. Absent or empty means "generate one" (an empty environment variable is how many
    /// deployments unset one); only whitespace is a mistake, refused here: treated as absent it would sign with a generated
    /// secret nobody knows, and every receiver would reject every delivery.
    /// </summary>
    private static string? ReadSecret(string? value, string path) =>
        string.IsNullOrEmpty(value) ? null
        : string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException(
            $"The webhook secret at '{path}' is only whitespace. Give the secret, or leave it empty to have one generated.")
        : value;
}
