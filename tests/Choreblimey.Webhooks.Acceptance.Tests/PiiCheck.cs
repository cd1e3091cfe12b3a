using System.Reflection;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>Finds payload properties whose names suggest personal data (walks nested records and lists).</summary>
internal static class PiiCheck
{
    private static readonly string[] Suspect =
        ["email", "phone", "firstname", "lastname", "fullname", "displayname", "username", "address", "birth", "password", "ipaddress", "sourceip"];

    public static IReadOnlyList<string> SuspectProperties(Type type)
    {
        var found = new List<string>();
        Walk(type, type.Name, found, depth: 0);
        return found;
    }

    private static void Walk(Type type, string path, List<string> found, int depth)
    {
        if (depth > 4 || type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTimeOffset) || type == typeof(Uri))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.Name.ToLowerInvariant();
            if (Suspect.Any(s => name.Contains(s, StringComparison.Ordinal)))
            {
                found.Add($"{path}.{property.Name}");
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var element = propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? propertyType.GetGenericArguments()[0] : propertyType;
            if (element.Namespace?.StartsWith("Choreblimey.Webhooks.Catalogs", StringComparison.Ordinal) == true)
            {
                Walk(element, $"{path}.{property.Name}", found, depth + 1);
            }
        }
    }
}
