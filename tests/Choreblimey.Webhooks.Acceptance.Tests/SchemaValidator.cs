using System.Globalization;
using System.Text.Json;

namespace Choreblimey.Webhooks.Acceptance.Tests;

/// <summary>
/// Validates JSON against the subset of JSON Schema that <c>JsonSchemaExporter</c> and the contract emit: <c>type</c>
/// (single or list), <c>const</c>, <c>enum</c>, <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>,
/// <c>anyOf</c>, <c>pattern</c> and the <c>date-time</c> format. Boolean schemas are honoured; <c>$ref</c> is not followed.
/// </summary>
internal static class SchemaValidator
{
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Validate(schema, instance, "$", errors);
        return errors;
    }

    private static void Validate(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed");
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
            if (!types.Any(t => IsOfType(instance, t)))
            {
                errors.Add($"{path}: {instance.ValueKind} is not of type {string.Join("|", types)}");
                return;
            }
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            errors.Add($"{path}: expected the constant {constant.GetRawText()}");
        }

        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance)))
        {
            errors.Add($"{path}: {instance.GetRawText()} is not one of {values.GetRawText()}");
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(s => Validate(s, instance).Count == 0))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (instance.ValueKind == JsonValueKind.String)
        {
            var text = instance.GetString()!;
            if (schema.TryGetProperty("pattern", out var pattern) && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern.GetString()!))
            {
                errors.Add($"{path}: '{text}' does not match {pattern.GetString()}");
            }

            if (schema.TryGetProperty("format", out var format) && format.GetString() == "date-time"
                && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add($"{path}: '{text}' is not a date-time");
            }
        }

        if (instance.ValueKind == JsonValueKind.Object)
        {
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                {
                    if (!instance.TryGetProperty(name, out _))
                    {
                        errors.Add($"{path}: the required property '{name}' is missing");
                    }
                }
            }

            foreach (var property in instance.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    Validate(propertySchema, property.Value, $"{path}.{property.Name}", errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional))
                {
                    Validate(additional, property.Value, $"{path}.{property.Name}", errors);
                }
            }
        }

        if (instance.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in instance.EnumerateArray())
            {
                Validate(items, item, $"{path}[{i++}]", errors);
            }
        }
    }

    private static bool IsOfType(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
