using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>
/// Reads durations from configuration and refuses bare numbers. <see cref="TimeSpan.Parse(string, IFormatProvider)"/> reads
/// <c>"5"</c> as five days, so a retry delay meant as 5 seconds, or a time to live given in seconds, silently became days
/// or millennia. A value without <c>:</c> is therefore refused unless it is zero, whose unit does not matter. The
/// <c>WEBHOOK_*</c> environment conventions are not read here: they take numbers in ms or s by design.
/// </summary>
internal static class WebhookConfigurationTimeSpans
{
    /// <summary>Reads the duration at <paramref name="section"/>; <see langword="null"/> when it is absent or empty.</summary>
    public static TimeSpan? Read(IConfigurationSection section)
    {
        if (string.IsNullOrWhiteSpace(section.Value))
        {
            return null;
        }

        return Parse(section.Path, section.Value);
    }

    /// <summary>Reads a list of durations: <c>Key:0</c>, <c>Key:1</c>, ... or one comma-separated value; <see langword="null"/> when absent.</summary>
    public static List<TimeSpan>? ReadList(IConfigurationSection section)
    {
        List<TimeSpan>? list = null;
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            foreach (var item in section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                (list ??= []).Add(Parse(section.Path, item));
            }
        }

        foreach (var child in section.GetChildren())
        {
            if (Read(child) is { } value)
            {
                (list ??= []).Add(value);
            }
        }

        return list;
    }

    private static TimeSpan Parse(string path, string text)
    {
        Check(path, text);
        return TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException(
                $"The configuration value {path} is '{Shorten(text.Trim())}', which is not a duration. Write it as [d.]hh:mm:ss, for example '00:00:30' for 30 seconds.");
    }

    /// <summary>
    /// Binds <paramref name="options"/> from <paramref name="configuration"/> as the configuration binder does, once every
    /// duration-typed setting present (nested options and lists included) is found not to be a bare number. The stores'
    /// options are bound through here as <see cref="WebhookOptions"/> are.
    /// </summary>
    public static void Bind(IConfiguration configuration, object options)
    {
        var type = options.GetType();
        CheckBindable(configuration, type, type.Assembly);
        configuration.Bind(options);
    }

    // Nested options are looked into when their type comes from the same assembly as the options bound: the library's own
    // option classes, not framework types such as a data source.
    private static void CheckBindable(IConfiguration configuration, Type type, Assembly options)
    {
        foreach (var child in configuration.GetChildren())
        {
            // Public instance properties, matched without regard to case as the configuration binder does.
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                continue;
            }

            var propertyType = property.PropertyType;
            if (IsTimeSpan(propertyType))
            {
                Check(child.Path, child.Value);
            }
            else if (ElementType(propertyType) is { } element && IsTimeSpan(element))
            {
                foreach (var item in child.GetChildren())
                {
                    Check(item.Path, item.Value);
                }
            }
            else if (propertyType.IsClass && propertyType.Assembly == options)
            {
                CheckBindable(child, propertyType, options);
            }
        }
    }

    private static void Check(string path, string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Contains(':', StringComparison.Ordinal)
            || !TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) || parsed == TimeSpan.Zero)
        {
            return;
        }

        throw new InvalidOperationException(
            $"The configuration value {path} is '{Shorten(text)}', a bare number, which a TimeSpan reads as {Shorten(text)} days. " +
            $"Write a duration as [d.]hh:mm:ss: {Examples(text)}.");
    }

    private static string Examples(string number)
    {
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 10_000_000)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"'{TimeSpan.FromSeconds(n):c}' for {n} seconds, '{TimeSpan.FromMinutes(n):c}' for {n} minutes, '{TimeSpan.FromDays(n):c}' for {n} days");
        }

        return "'00:00:05' for 5 seconds, '00:05:00' for 5 minutes, '5.00:00:00' for 5 days";
    }

    private static bool IsTimeSpan(Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(TimeSpan);

    // The element of an array or of a generic list or dictionary (its value), for example IList<TimeSpan> or IDictionary<string, TimeSpan>.
    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.IsGenericType ? type.GetGenericArguments()[^1] : null;

    private static string Shorten(string value) => value.Length > 32 ? value[..32] + "…" : value;
}
