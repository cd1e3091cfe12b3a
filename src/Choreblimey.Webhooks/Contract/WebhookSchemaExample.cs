using System.Text.Json.Nodes;

namespace Choreblimey.Webhooks;

/// <summary>Makes an example value from the subset of JSON Schema that <c>JsonSchemaExporter</c> emits.</summary>
internal static class WebhookSchemaExample
{
    private const int MaxDepth = 8;

    public static JsonNode? Create(JsonNode? schema, string? propertyName, int depth)
    {
        if (schema is not JsonObject node || depth > MaxDepth)
        {
            return schema is JsonValue value && value.TryGetValue<bool>(out var any) && any && depth == 0 ? new JsonObject() : null;
        }

        if (node["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (node["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]?.DeepClone();
        }

        if (node["anyOf"] is JsonArray anyOf && anyOf.Count > 0)
        {
            return Create(anyOf.FirstOrDefault(s => s?["type"]?.ToString() != "null") ?? anyOf[0], propertyName, depth);
        }

        switch (PrimaryType(node["type"]))
        {
            case "object":
                var result = new JsonObject();
                if (node["properties"] is JsonObject properties)
                {
                    foreach (var (name, propertySchema) in properties)
                    {
                        result[name] = Create(propertySchema, name, depth + 1);
                    }
                }

                return result;
            case "array":
                var item = Create(node["items"], propertyName, depth + 1);
                return item is null ? new JsonArray() : new JsonArray(item);
            case "string":
                return ExampleString(node["format"]?.ToString(), node["pattern"] is not null, propertyName);
            case "integer":
                return 1;
            case "number":
                return 9.5;
            case "boolean":
                return true;
            case "null":
            default:
                return null;
        }
    }

    private static string? PrimaryType(JsonNode? type) => type switch
    {
        JsonValue value => value.ToString(),
        // Numbers read from strings too ("type": ["string", "integer"]); the example uses the non-string type.
        JsonArray types => types.Select(t => t?.ToString()).FirstOrDefault(t => t is not ("null" or "string"))
            ?? types.Select(t => t?.ToString()).FirstOrDefault(t => t != "null")
            ?? "null",
        _ => null,
    };

    private static string ExampleString(string? format, bool hasPattern, string? propertyName) => format switch
    {
        "date-time" => "2026-01-01T09:00:00Z",
        "date" => "2026-01-01",
        "time" => "09:00:00",
        "duration" => "PT1H",
        "uuid" => "5f0c6f4e-8a2b-4c1d-9e3f-0a1b2c3d4e5f",
        "uri" => "https://example.com/",
        "email" => "someone@example.com",
        _ when hasPattern => "0",
        _ => propertyName is null ? "example" : propertyName + "-1",
    };
}
