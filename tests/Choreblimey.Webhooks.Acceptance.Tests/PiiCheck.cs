using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>
/// Checks that a catalog's payloads carry identifiers, not personal data: no property whose name suggests personal data,
/// no free-form carriers (stack traces, request context, URLs with their query strings, open dictionaries) that would
/// carry it anyway, and no example value that looks like an e-mail address or a phone number. Walks nested records and lists.
/// </summary>
internal static partial class PiiCheck
{
    private static readonly string[] Suspect =
        ["email", "phone", "firstname", "lastname", "fullname", "displayname", "username", "address", "birth", "password", "ipaddress", "sourceip"];

    private static readonly string[] FreeForm = ["stack", "stacktrace", "context", "requestdata", "requestbody", "headers", "cookies", "useragent", "url", "uri"];

    /// <summary>
    /// The properties a host's own webhook contract has by name, so its catalog carries them to match it on the wire: 4AS's
    /// error webhook has <c>user_email</c>, <c>url</c>, <c>stack</c> and <c>context</c>. The payload's remarks tell the host
    /// what to send in them to keep personal data out; any other suspect property still fails the check.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> AskedForByHost = new Dictionary<string, string[]>
    {
        ["fouras"] = ["ErrorOccurred.UserEmail", "ErrorOccurred.Url", "ErrorOccurred.Stack", "ErrorOccurred.Context"],
    };

    /// <summary>
    /// Asserts that every payload of <paramref name="host"/>'s catalog carries identifiers, not personal data, but for the
    /// properties the host's own contract asks for (<see cref="AskedForByHost"/>).
    /// </summary>
    public static void AssertCatalogCarriesIdentifiersNotPii(string host)
    {
        var registry = Catalogs.Registry(host, out var exporter);
        var asked = AskedForByHost.GetValueOrDefault(host, []);
        Assert.All(registry, e =>
        {
            var unasked = SuspectProperties(e.PayloadType!).Where(s => !asked.Any(a => s.StartsWith(a + ":", StringComparison.Ordinal))).ToList();
            Assert.Empty(unasked);
        });
        var examples = exporter.Export(Catalogs.All[host].Title).Events;
        Assert.All(examples, e => Assert.Empty(SuspectValues(e.Name, e.ExampleEnvelope)));
    }

    /// <summary>The properties of <paramref name="type"/> (and of the catalog types it holds) that may carry personal data, each with why.</summary>
    public static IReadOnlyList<string> SuspectProperties(Type type)
    {
        var found = new List<string>();
        Walk(type, type.Name, found, depth: 0);
        return found;
    }

    private static void Walk(Type type, string path, List<string> found, int depth)
    {
        if (depth > 4 || type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.Name.ToLowerInvariant();
            var at = $"{path}.{property.Name}";
            // An id names a record, not a person's data: EmailId is the id of a sent e-mail.
            var isIdentifier = name.EndsWith("id", StringComparison.Ordinal) || name.EndsWith("ids", StringComparison.Ordinal);
            if (!isIdentifier && Suspect.Any(s => name.Contains(s, StringComparison.Ordinal)))
            {
                found.Add($"{at}: the name suggests personal data");
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (FreeForm.Contains(name))
            {
                found.Add($"{at}: free-form {name} can carry personal data; send identifiers or codes");
            }
            else if (propertyType == typeof(Uri))
            {
                found.Add($"{at}: a URL can carry personal data in its query; send a route template or an id");
            }
            else if (propertyType == typeof(object) || propertyType == typeof(JsonElement) || IsDictionary(propertyType))
            {
                found.Add($"{at}: an open {propertyType.Name} can carry anything; give it a type of identifiers");
            }

            var element = propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? propertyType.GetGenericArguments()[0] : propertyType;
            if (element.Namespace?.StartsWith("Choreblimey.Webhooks.Catalogs", StringComparison.Ordinal) == true)
            {
                Walk(element, at, found, depth + 1);
            }
        }
    }

    private static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
        && (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>));

    /// <summary>The string values in <paramref name="element"/> that look like an e-mail address or a phone number.</summary>
    public static IEnumerable<string> SuspectValues(string eventType, JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return element.EnumerateObject().SelectMany(p => SuspectValues(eventType, p.Value, $"{path}.{p.Name}"));
            case JsonValueKind.Array:
                return element.EnumerateArray().SelectMany((item, i) => SuspectValues(eventType, item, $"{path}[{i}]"));
            case JsonValueKind.String:
                var text = element.GetString()!;
                var looksLikePhone = PhoneNumber().Matches(text).Any(m => m.Value.Count(char.IsAsciiDigit) >= 10);
                return EmailAddress().IsMatch(text) || looksLikePhone ? [$"{eventType} example{path}: '{text}' looks like personal data"] : [];
            default:
                return [];
        }
    }

    [GeneratedRegex(@"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailAddress();

    // A run of digits with optional +, spaces and dashes, standing on its own: digits inside an id (msg_2x4Y0000…) or a
    // timestamp (broken by its T and colons) do not count.
    [GeneratedRegex(@"(?<![\w+])\+?\d[\d \-]{8,}\d(?!\w)")]
    private static partial Regex PhoneNumber();
}
